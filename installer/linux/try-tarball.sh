#!/usr/bin/env bash
# Acceptance check for the Linux archive, as on a clean machine: extract it, build a demo
# database with the bundle itself, start the app under Xvfb with an empty environment
# (no venv, no PYTHONPATH), time process start to window shown, take a screenshot.
#   installer/linux/try-tarball.sh dist/pcn-assistant-*-linux-*.tar.gz [OUT.png]
# Needs: xvfb-run, xdotool, imagemagick (import). Prints "cold start: N.NN s".
# DROP_CACHES=1 (root) empties the page cache first, so the start reads from disk.
set -euo pipefail
tarball=$(realpath "$1")
out=$(realpath -m "${2:-docs/screenshots/bundle-window.png}")
work=$(mktemp -d /tmp/pcn-tarball-XXXXXX)
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
app=$(echo "$work"/pcn-assistant-*/pcn-assistant)
mkdir -p "$work/home"
clean=(env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8)

echo "Building a demo database with the bundle..."
"${clean[@]}" "$app" demo --out "$work/demo.db" >/dev/null

cat > "$work/in-x.sh" <<INNER
#!/usr/bin/env bash
set -euo pipefail
if [ "${DROP_CACHES:-0}" = 1 ]; then sync; echo 3 > /proc/sys/vm/drop_caches; fi
start=\$(date +%s.%N)
${clean[*]} DISPLAY="\$DISPLAY" XAUTHORITY="\${XAUTHORITY:-}" "$app" --database "$work/demo.db" --user admin &
pid=\$!
wait_for_window() {  # a visible "PCN Assistant" window other than \$1; prints its id
  for _ in \$(seq 1 1200); do
    for id in \$(xdotool search --onlyvisible --name "PCN Assistant" 2>/dev/null); do
      [ "\$id" != "\$1" ] && { echo "\$id"; return 0; }
    done
    kill -0 \$pid 2>/dev/null || { echo "the app exited before showing a window" >&2; return 1; }
    sleep 0.05
  done
  echo "no window after 60 s" >&2; return 1
}
first=\$(wait_for_window none)
shown=\$(date +%s.%N)
echo "cold start: \$(echo "\$shown - \$start" | bc) s (process start to first window shown)"
# The sign-in dialog: the demo database's administrator (its password is in the app's demo hint).
sleep 1
xdotool windowfocus --sync "\$first" type --delay 15 "lighthouse-demo-2026"
xdotool key --window "\$first" Return
signed=\$(date +%s.%N)
main=\$(wait_for_window "\$first")
echo "sign-in to main window: \$(echo "\$(date +%s.%N) - \$signed" | bc) s"
xdotool windowsize "\$main" 1380 880 windowmove "\$main" 10 10 || true
sleep 3  # let it finish painting
import -window root "$out"
kill \$pid; wait \$pid 2>/dev/null || true
INNER
chmod +x "$work/in-x.sh"
xvfb-run -a -s "-screen 0 1400x900x24" "$work/in-x.sh"
echo "screenshot: $out"
