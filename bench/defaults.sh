#!/bin/bash
# Encoder defaults table of docs/ENCODER-DEFAULTS.md: ffmpeg CLI runs, preset/speed x frames/s x PSNR.
# Usage: cd to a scratch dir; bash bench/defaults.sh 'run "label" ext -c:v ENCODER OPTIONS…' …
# preset/speed × fps × PSNR at 1 Mbps, 640x480, 300 frames of bench/content.js (a pan over a textured
# landscape and a moving disc, every frame distinct), yuv420p BT.709 input, threads auto unless the options set them (-threads, -thread_type), no B-frames.
set -u
N=300
[ -f src.yuv ] || node "$(dirname "$0")/content.js" 640 480 $N src.yuv
IN="-f rawvideo -pix_fmt yuv420p -s 640x480 -r 30 -i src.yuv"
run() { # label ext args...
  local label=$1 ext=$2; shift 2
  local t=$( { /usr/bin/time -f "%e %U %S" ffmpeg -hide_banner -loglevel error -y $IN -threads 0 "$@" -b:v 1M out.$ext ; } 2>&1 | tail -1)
  local e=$(echo $t | cut -d' ' -f1) u=$(echo $t | cut -d' ' -f2) s=$(echo $t | cut -d' ' -f3)
  ffmpeg -hide_banner -loglevel error -y -i out.$ext -f rawvideo -pix_fmt yuv420p dec.yuv; local psnr=$(ffmpeg -hide_banner -f rawvideo -pix_fmt yuv420p -s 640x480 -r 30 -i dec.yuv $IN -lavfi "[0:v][1:v]psnr" -f null - 2>&1 | grep -o "average:[0-9.inf]*" | cut -d: -f2)
  local kb=$(( $(stat -c %s out.$ext) * 8 * 30 / N / 1000 ))
  printf "%-44s fps %6.1f  cpu/frame %5.1f ms  PSNR %s dB  %s kb/s\n" "$label" $(echo "$N / $e" | bc -l) $(echo "($u + $s) * 1000 / $N" | bc -l) "$psnr" "$kb"
}
for p in "$@"; do eval "$p"; done
