"""The numbers in a message that make it a red flag: blood sugar, blood pressure, oxygen saturation, heart rate,
pills taken, rescue-inhaler puffs, potassium and sodium.

A lexicon rule or cue (`urgency_lexicon.py`) that captures a number names one of these checks (`check="glucose"`);
the detector flags the match only when the number is one a nurse wants to hear about today ("sugar 520", not "sugar
120"). Kept apart from the wording so that a clinical reviewer can read and change every threshold in one place.
"""

from __future__ import annotations

from collections.abc import Callable


def _glucose(value: str) -> bool:
    number = float(value)
    return number >= 400 or 15 <= number <= 54  # mg/dL: a reading a nurse wants to hear about today


def _blood_pressure(value: str) -> bool:
    systolic, diastolic = (int(v) for v in value.split("/"))
    if not (60 <= systolic <= 300 and 30 <= diastolic <= 200 and systolic > diastolic):
        return False  # a date or a score, not a reading
    return systolic >= 180 or diastolic >= 120 or systolic < 90


def _oxygen(value: str) -> bool:
    return 50 <= int(value) <= 91  # pulse oximeter, per cent


def _pill_count(value: str) -> bool:
    return 8 <= int(value) <= 500


def _heart_rate(value: str) -> bool:
    return 20 <= int(value) <= 40 or 150 <= int(value) <= 300


def _puffs(value: str) -> bool:
    return int(value) >= 6  # rescue inhaler: six or more puffs and still struggling


def _pregnancy_pressure(value: str) -> bool:
    """In pregnancy 140/90 is already a warning sign (pre-eclampsia)."""
    systolic, diastolic = (int(v) for v in value.split("/"))
    return 60 <= systolic <= 300 and 30 <= diastolic <= 200 and (systolic >= 140 or diastolic >= 90)


def _potassium(value: str) -> bool:
    """mmol/L: a critical value the lab phones about (hyperkalaemia >= 6.0, or <= 2.5)."""
    number = float(value)
    return 6.0 <= number <= 9.9 or 1.0 <= number <= 2.5


def _sodium(value: str) -> bool:
    """mmol/L: a critical value (<= 120 or >= 160)."""
    return 90 <= int(value) <= 120 or 160 <= int(value) <= 200


CHECKS: dict[str, Callable[[str], bool]] = {"glucose": _glucose, "blood_pressure": _blood_pressure,
                                           "oxygen": _oxygen, "pill_count": _pill_count,
                                           "pregnancy_pressure": _pregnancy_pressure, "heart_rate": _heart_rate,
                                           "puffs": _puffs, "potassium": _potassium, "sodium": _sodium}
