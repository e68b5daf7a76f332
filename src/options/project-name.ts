/** The project's npm package name comes from its folder name and must be a valid one. */

/**
 * @example validatePackageName('my-app') // true
 * @example validatePackageName('My App') // '"My App" is not a valid npm package name; …'
 */
export function validatePackageName(name: string): true | string {
  const suggestion = suggestPackageName(name);
  const fix = suggestion && suggestion !== name ? ` Try "${suggestion}".` : '';
  if (name.length === 0) return 'The project name is empty.';
  if (name.length > 214) return `The project name is longer than 214 characters.${fix}`;
  if (name !== name.toLowerCase()) return `${JSON.stringify(name)} is not a valid npm package name: it has capital letters.${fix}`;
  if (/^[._]/.test(name)) return `${JSON.stringify(name)} is not a valid npm package name: it starts with "${name[0]}".${fix}`;
  if (!/^[a-z0-9][a-z0-9._~-]*$/.test(name)) return `${JSON.stringify(name)} is not a valid npm package name: use lowercase letters, digits, "-", "." and "_".${fix}`;
  if (['node_modules', 'favicon.ico'].includes(name)) return `${JSON.stringify(name)} is a reserved name.`;
  return true;
}

export function suggestPackageName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+/, '')
    .replace(/-+$/, '');
}
