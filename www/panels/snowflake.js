// Snowflake IDs panel. It fills in as the snowflake module reaches the package.
export const id = 'snowflake';
export const title = 'Snowflake';

export function mount(root) {
  root.innerHTML = `<h2>Snowflake IDs</h2>`;
}
