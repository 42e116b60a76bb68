// Bloom filters panel. It fills in as the bloom module reaches the package.
export const id = 'bloom';
export const title = 'Bloom';

export function mount(root) {
  root.innerHTML = `<h2>Bloom filters</h2>`;
}
