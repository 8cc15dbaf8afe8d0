"""Defect photos: drawing marks (``draw``) and the annotate and grid verbs (``annotate``)."""
