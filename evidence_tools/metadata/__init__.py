"""Readers of capture metadata: photo.py (exifread, then Pillow) and video.py (ffmpeg)."""
