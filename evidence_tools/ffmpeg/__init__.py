"""ffmpeg, the one external tool: ``runner`` starts it, ``jobs`` builds its command lines."""
