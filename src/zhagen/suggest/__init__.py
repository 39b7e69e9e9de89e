"""AI-assisted coding (issue 15): suggestions as plain data, the built-in offline learner,
its evaluation against the human coder.

Nothing in this package changes a coding: a suggestion becomes a coding only when a
researcher accepts it (``project.suggestions.accept``). The package ``__init__`` imports
nothing, so reading :class:`~zhagen.suggest.model.Suggestion` costs no numpy or sklearn.
"""
