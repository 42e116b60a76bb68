// Raft consensus panel. It fills in as the raft module reaches the package.
export const id = 'raft';
export const title = 'Raft';

export function mount(root) {
  root.innerHTML = `<h2>Raft consensus</h2>`;
}
