// Consistent hashing panel. It fills in as the ring module reaches the package.
export const id = 'ring';
export const title = 'Ring';

export function mount(root) {
  root.innerHTML = `<h2>Consistent hashing</h2>`;
}
