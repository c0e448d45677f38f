// Icons: Lucide (ISC licence, see THIRD-PARTY.md), bundled from lucide-static's
// SVG files. Decorative only: every control carries its own text or label.
import chart from 'lucide-static/icons/chart-column.svg';
import chevronLeft from 'lucide-static/icons/chevron-left.svg';
import chevronRight from 'lucide-static/icons/chevron-right.svg';
import chevronUp from 'lucide-static/icons/chevron-up.svg';
import circleDot from 'lucide-static/icons/circle-dot.svg';
import ellipsis from 'lucide-static/icons/ellipsis.svg';
import ellipsisVertical from 'lucide-static/icons/ellipsis-vertical.svg';
import flag from 'lucide-static/icons/flag.svg';
import hand from 'lucide-static/icons/hand.svg';
import keyboard from 'lucide-static/icons/keyboard.svg';
import layoutGrid from 'lucide-static/icons/layout-grid.svg';
import lock from 'lucide-static/icons/lock.svg';
import message from 'lucide-static/icons/message-square.svg';
import mic from 'lucide-static/icons/mic.svg';
import micOff from 'lucide-static/icons/mic-off.svg';
import monitorUp from 'lucide-static/icons/monitor-up.svg';
import monitorX from 'lucide-static/icons/monitor-x.svg';
import pencil from 'lucide-static/icons/pencil.svg';
import phoneOff from 'lucide-static/icons/phone-off.svg';
import pin from 'lucide-static/icons/pin.svg';
import presentation from 'lucide-static/icons/presentation.svg';
import search from 'lucide-static/icons/search.svg';
import settings from 'lucide-static/icons/settings.svg';
import split from 'lucide-static/icons/split.svg';
import spotlight from 'lucide-static/icons/spotlight.svg';
import users from 'lucide-static/icons/users.svg';
import video from 'lucide-static/icons/video.svg';
import videoOff from 'lucide-static/icons/video-off.svg';
import volume from 'lucide-static/icons/volume-2.svg';
import x from 'lucide-static/icons/x.svg';

const ICONS = {
  chart,
  chevronLeft,
  chevronRight,
  chevronUp,
  circleDot,
  ellipsis,
  ellipsisVertical,
  flag,
  hand,
  keyboard,
  layoutGrid,
  lock,
  message,
  mic,
  micOff,
  monitorUp,
  monitorX,
  pencil,
  phoneOff,
  pin,
  presentation,
  search,
  settings,
  split,
  spotlight,
  users,
  video,
  videoOff,
  volume,
  x,
};
export type IconName = keyof typeof ICONS;

// The files' licence comments are dropped; the notice is in THIRD-PARTY.md.
const clean = (svg: string) =>
  svg
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace('<svg', '<svg aria-hidden="true" focusable="false"')
    .trim();
const cache = new Map<IconName, string>();

export function Icon({ name }: { name: IconName }) {
  let html = cache.get(name);
  if (!html) cache.set(name, (html = clean(ICONS[name])));
  // Static markup from the bundle, never user input.
  return <span class="icon" aria-hidden="true" dangerouslySetInnerHTML={{ __html: html }} />;
}
