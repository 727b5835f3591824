// The views' tab list (WAI-ARIA tabs: arrow keys move between tabs, the panel follows).
export class Tabs {
  constructor(list) {
    this.tabs = [...list.querySelectorAll('[role="tab"]')];
    for (const tab of this.tabs) {
      tab.addEventListener('click', () => this.show(tab.id));
      tab.addEventListener('keydown', (ev) => {
        const i = this.tabs.indexOf(tab);
        const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: this.tabs.length - 1 }[ev.key];
        if (next === undefined) return;
        ev.preventDefault();
        const t = this.tabs[(next + this.tabs.length) % this.tabs.length];
        this.show(t.id);
        t.focus();
      });
    }
  }

  /** Shows the tab with this id and its panel. */
  show(id) {
    for (const tab of this.tabs) {
      const on = tab.id === id;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      document.getElementById(tab.getAttribute('aria-controls')).hidden = !on;
    }
  }
}
