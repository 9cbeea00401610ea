"""Main file for NiceGUI's User-fixture tests: the real app on the database named by SM_* variables."""

from sm_app.app import run
from sm_app.bootstrap import build_system
from sm_app.config import Settings
from sm_app.identity.passwords import Hasher

# The OWASP floor parameters: the real hasher, just not stronger than the floor, to keep tests quick.
run(build_system(Settings.from_env(), hasher=Hasher()))
