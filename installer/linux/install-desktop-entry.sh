#!/bin/sh
# Add PCN Assistant to this user's application menu (no root needed).
# Run from the extracted folder: ./install-desktop-entry.sh   Undo: ./install-desktop-entry.sh --remove
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps="$data/applications"
icons="$data/icons/hicolor"

if [ "${1:-}" = "--remove" ]; then
  rm -f "$apps/pcn-assistant.desktop"
  for png in "$here"/icons/pcn-assistant-*.png; do
    size=$(basename "$png" .png | sed 's/pcn-assistant-//')
    rm -f "$icons/${size}x${size}/apps/pcn-assistant.png"
  done
  rm -f "$icons/scalable/apps/pcn-assistant.svg"
  echo "Removed the PCN Assistant menu entry (your data is untouched)."
  exit 0
fi

mkdir -p "$apps" "$icons/scalable/apps"
for png in "$here"/icons/pcn-assistant-*.png; do
  size=$(basename "$png" .png | sed 's/pcn-assistant-//')
  mkdir -p "$icons/${size}x${size}/apps"
  cp "$png" "$icons/${size}x${size}/apps/pcn-assistant.png"
done
cp "$here/icons/pcn-assistant.svg" "$icons/scalable/apps/pcn-assistant.svg"
# Point Exec/TryExec at this folder's executable (quoted: the path may hold spaces).
sed -e "s|^Exec=.*|Exec=\"$here/pcn-assistant\"|" -e "s|^TryExec=.*|TryExec=$here/pcn-assistant|" \
  "$here/pcn-assistant.desktop" > "$apps/pcn-assistant.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$apps" || true
echo "Added PCN Assistant to the application menu ($apps/pcn-assistant.desktop)."
