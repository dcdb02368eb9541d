// Product catalogue of the example shop; prices in US dollars.
export const products = [
  {
    id: 'house-blend',
    name: 'House Blend',
    price: 14,
    notes: 'Chocolate, toasted almond, a long sweet finish.',
  },
  {
    id: 'ethiopia-guji',
    name: 'Ethiopia Guji',
    price: 19,
    notes: 'Bergamot, peach and jasmine; bright and floral.',
  },
  {
    id: 'decaf-colombia',
    name: 'Decaf Colombia',
    price: 16,
    notes: 'Caramel and red apple, decaffeinated with water.',
  },
  {
    id: 'cold-brew-kit',
    name: 'Cold Brew Kit',
    price: 32,
    notes: 'A one-litre brewer and two bags of coarse-ground coffee.',
  },
];

export function findProduct(id) {
  return products.find((product) => product.id === id) ?? null;
}
