// Screen-size facts the components need in script (CSS handles the rest).
import { signal } from '@preact/signals';

const query = matchMedia('(max-width: 720px)');
/** A phone, or a narrow window: panels become full-screen sheets, rare controls move into "More". */
export const narrow = signal(query.matches);
query.addEventListener('change', () => (narrow.value = query.matches));
