"""What the nodes of a map are, read from a record's fields: pure functions over plain data.

- :mod:`.names` — authors (CNKI full Chinese names, WoS ``AF`` full names), their
  normalised keys and disambiguation by name + institution;
- :mod:`.institutions` — affiliations cut to the top-level institution (university,
  academy, enterprise …) or kept to the department, postcodes and places stripped; countries
  from WoS ``C1`` addresses;
- :mod:`.references` — WoS cited references (``CR``) parsed into first author, year,
  source, volume, page and DOI, and one key for the same work cited in different styles;
- :mod:`.keywords` — keywords as CiteSpace counts them, and the fast split of stored keyword
  JSON;
- :mod:`.tables` — the entity tables of a project (distinct entities, document–entity
  links), derived once and read by the maps;
- :mod:`.collect` — one record's entities of each node type, and the table of variants
  merged into each node (what a map reports as merges).

The package imports none of its modules (``import zhagen.entities`` is free); import
``zhagen.entities.institutions`` etc.
"""
