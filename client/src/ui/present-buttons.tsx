// "Upload slides" and "Whiteboard" in the toolbar, for those who may present
// while nothing is shown. The file is read in this browser first (is it a
// PDF, how many pages) and only then sent.
import { useRef } from 'preact/hooks';
import { slides, startWhiteboard, uploadSlides } from '../slides/state.js';
import { slideStrings } from '../slides/strings.js';
import { Icon } from './icon.js';

/** For the phone's "More" menu: open the file picker of the hidden input. */
export const pickSlides = () => document.querySelector<HTMLInputElement>('input[data-role="slides-file"]')?.click();

export function PresentButtons({ compact }: { compact: boolean }) {
  const s = slideStrings();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        accept="application/pdf,.pdf"
        class="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-role="slides-file"
        onChange={(e) => {
          const el = e.currentTarget;
          const file = el.files?.[0];
          el.value = '';
          if (file) void uploadSlides(file);
        }}
      />
      {compact ? null : (
        <>
          <button type="button" class="tool" title={s.uploadSlides} disabled={slides.busy.value} onClick={() => input.current?.click()}>
            <Icon name="presentation" />
            <span class="label">{s.uploadSlides}</span>
          </button>
          <button type="button" class="tool" title={s.whiteboard} onClick={() => void startWhiteboard()}>
            <Icon name="pencil" />
            <span class="label">{s.whiteboard}</span>
          </button>
        </>
      )}
      {slides.error.value && !slides.presentation.value ? (
        <p class="slide-error toolbar-error" role="alert">
          {slides.error.value}
        </p>
      ) : null}
    </>
  );
}
