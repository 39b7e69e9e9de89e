"""A reproducible study: one ``study.toml`` from the files to every table and figure.

- :func:`load_study` reads and checks a study file (:mod:`zhagen.study.spec`);
- :func:`run_study` builds or updates the project and runs every step that changed, writing
  ``manifest.json`` (:mod:`zhagen.study.runner`); :func:`check_study` runs it all again into a
  scratch folder and lists the outputs that changed;
- :func:`init_study` writes a study file from an existing project (:mod:`zhagen.study.init`);
- :func:`write_report` writes the study's method and results sections (DOCX, offline HTML)
  from the last run (:mod:`zhagen.study.report`);
- :data:`KINDS` and :func:`register`: the step kinds (:mod:`zhagen.study.steps`).
"""

from __future__ import annotations

from zhagen.study.init import init_study
from zhagen.study.report import Report, build_report, write_report
from zhagen.study.runner import CheckResult, Event, RunResult, check_study, run_study
from zhagen.study.spec import Study, load_study
from zhagen.study.steps import KINDS, StepContext, StepKind, register

__all__ = ["load_study", "run_study", "check_study", "init_study", "Study", "RunResult",
           "CheckResult", "Event", "KINDS", "StepKind", "StepContext", "register", "Report",
           "build_report", "write_report"]  # fmt: skip
