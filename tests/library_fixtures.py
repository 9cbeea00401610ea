"""Fixture articles for library tests, written to a temporary library folder (tests never depend on the shipped
articles' number or titles)."""

from __future__ import annotations

from pathlib import Path

ARTICLES = {
    "en/kidney-stones-and-water": """---
title: Kidney stones and water
summary: Drinking enough water helps keep stones away.
topics: [kidneys, water]
language: en
author: Ann Author
reviewer: Rita Reviewer
reviewed_on: 2026-01-10
next_review_due: 2027-01-10
---

## Why water helps

Water keeps the urine thin. Drink eight cups a day. **Lemon** can help too.
""",
    "en/gout-flares": """---
title: Gout flares
summary: What to do when a toe gets hot and sore.
topics: [joints]
language: en
author: Ann Author
reviewer: Rita Reviewer
reviewed_on: 2024-01-10
next_review_due: 2025-01-10
---

Rest the joint and put ice on it. Call us if you get a fever.
""",
    "es/calculos-renales-y-agua": """---
title: Cálculos renales y agua
summary: Tomar agua ayuda a evitar los cálculos.
topics: [riñones, agua]
language: es
author: Ann Author
reviewer: Rita Reviewer
reviewed_on: 2026-01-10
next_review_due: 2027-01-10
translation_of: kidney-stones-and-water
---

El agua ayuda a los riñones. Tome ocho vasos al día. La presión baja con menos sal.
""",
}


def write_fixture_library(folder: Path) -> Path:
    for name, text in ARTICLES.items():
        path = folder / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder
