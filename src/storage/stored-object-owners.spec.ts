import { StoredObjectOwners } from './stored-object-owners.js';

describe('StoredObjectOwners', () => {
  it('lists each area once, a prefix inside another with it', () => {
    const owners = new StoredObjectOwners();
    for (const prefix of ['uploads/', 'invoices/', 'uploads/final/', 'invoices/']) {
      owners.register({ prefix, referenced: () => Promise.resolve([]) });
    }
    expect(owners.areas()).toEqual(['invoices/', 'uploads/']);
  });

  it('keeps a key that any owner covering it references, asking each owner only about its own keys', async () => {
    const owners = new StoredObjectOwners();
    const asked: Record<string, string[]> = {};
    const owner = (prefix: string, named: string[]) => ({
      prefix,
      referenced: (keys: string[]) => {
        asked[prefix] = keys;
        return Promise.resolve(keys.filter((k) => named.includes(k)));
      },
    });
    owners.register(owner('uploads/', ['uploads/a']));
    owners.register(owner('uploads/', ['uploads/b']));
    owners.register(owner('invoices/', []));
    const referenced = await owners.referenced(['uploads/a', 'uploads/b', 'uploads/c']);
    expect([...referenced].sort()).toEqual(['uploads/a', 'uploads/b']);
    expect(asked).toEqual({ 'uploads/': ['uploads/a', 'uploads/b', 'uploads/c'] });
  });

  it('refuses a prefix that is not a folder (it would cover keys of another area)', () => {
    expect(() =>
      new StoredObjectOwners().register({ prefix: 'invoices', referenced: () => Promise.resolve([]) }),
    ).toThrow();
  });
});
