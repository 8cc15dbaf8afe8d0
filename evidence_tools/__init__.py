"""evidence-tools: turn an unboxing video and defect photos into dispute evidence."""

__version__ = "0.1.0"
