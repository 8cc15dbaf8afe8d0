"""MP4/MOV files read and cut without ffmpeg: boxes, the index, the cutter, the kernel copy."""
