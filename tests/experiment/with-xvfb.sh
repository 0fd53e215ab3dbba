#!/bin/sh
# with-xvfb.sh COMMAND [ARGS...] — run COMMAND against a private Xvfb server
# (1280x1024, 24 bit; DL_XVFB_SCREEN=WxHxD changes it) and stop the server
# afterwards, whatever happens. DL_XVFB_CHRT="-f 5" starts the server under
# chrt with those options (bench/experiment/load.sh: a display server with
# real-time priority, as a lab may give its own). Xvfb picks a free display number itself
# (-displayfd), so tests can run in parallel.
set -u
screen=${DL_XVFB_SCREEN:-1280x1024x24}
command -v Xvfb >/dev/null 2>&1 || { echo "with-xvfb.sh: Xvfb not found: apt-get install xvfb" >&2; exit 1; }
tmp=$(mktemp -d /tmp/dl-xvfb-XXXXXX) || exit 1
fifo="$tmp/displayfd"
mkfifo "$fifo" || exit 1
chrt=""
if [ -n "${DL_XVFB_CHRT:-}" ]; then
    command -v chrt >/dev/null 2>&1 || { echo "with-xvfb.sh: chrt not found (util-linux)" >&2; exit 1; }
    chrt="chrt $DL_XVFB_CHRT"
fi
$chrt Xvfb -displayfd 3 -screen 0 "$screen" -nolisten tcp -noreset 3>"$fifo" >"$tmp/log" 2>&1 &
xvfb=$!
cleanup() {
    kill "$xvfb" 2>/dev/null
    wait "$xvfb" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
# The display number arrives on the fifo once the server accepts clients.
display=$(timeout 20 head -n 1 "$fifo")
if [ -z "$display" ]; then
    echo "with-xvfb.sh: Xvfb did not start:" >&2
    cat "$tmp/log" >&2
    exit 1
fi
DISPLAY=":$display"
export DISPLAY
unset WAYLAND_DISPLAY SDL_VIDEODRIVER
"$@"
