// Light/dark theme: follows prefers-color-scheme until the user picks one (kept in localStorage).
export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'octet.theme';

function readChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

class ThemeState {
  choice = $state<ThemeChoice>(readChoice());
  systemDark = $state(false);
  readonly effective = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice);

  start(): void {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    this.systemDark = mq.matches;
    mq.addEventListener('change', (e) => (this.systemDark = e.matches));
    $effect.root(() => {
      $effect(() => {
        document.documentElement.dataset.theme = this.effective;
      });
    });
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    try {
      if (choice === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, choice);
    } catch {
      // Storage can be unavailable (private windows): the choice then lasts for this page only.
    }
  }

  toggle(): void {
    this.set(this.effective === 'dark' ? 'light' : 'dark');
  }
}

export const theme = new ThemeState();
