// After a navigation, focus moves to the new page's heading, so a screen reader
// announces the page and the next Tab starts from the top of its content.

let pending = false;

export function setFocusOnNextHeading(): void {
  pending = true;
}

export function takeFocusRequest(): boolean {
  const value = pending;
  pending = false;
  return value;
}
