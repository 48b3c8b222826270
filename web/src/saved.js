// The editor's autosave slot: read by boot.js (to run the program before the editor exists)
// and by main.js (the editor's text).

export const STORE = "boardkit-studio:code";
export const SAMPLE = 'name = input("What is your name? ")\nprint("Hello,", name)\n';

/** The program the editor will show: the autosaved text, else the sample. */
export function savedCode() {
  try {
    return localStorage.getItem(STORE) ?? SAMPLE;
  } catch {
    return SAMPLE; // storage off (a private window's policy): the sample
  }
}
