"""Paper-ready output: knowledge-map files (tables, figures, interactive HTML) and the CJK font
that makes Chinese render in figures.

``km.write(out_dir)`` (:class:`zhagen.report.mapfiles.WritableMap`, what ``Project.map``
returns) calls :func:`zhagen.report.mapfiles.write_map`; the modules
import matplotlib, pandas and openpyxl only inside their functions.
"""

__all__: list[str] = []
