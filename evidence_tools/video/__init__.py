"""Unboxing videos: trim (lossless or exact), stamp the capture time, stills and contact
sheets, and fit under an upload limit. The heavy work runs in ffmpeg (``ffmpeg.jobs``) or,
for a lossless MP4/MOV cut, in the kernel (``mp4``)."""
