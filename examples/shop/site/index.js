import { analytics } from './analytics.js';
import { products } from './products.js';

const list = document.getElementById('products');
const filter = document.getElementById('filter');
const sort = document.getElementById('sort');

function render() {
  const text = filter.value.trim().toLowerCase();
  const shown = products
    .filter((product) => product.name.toLowerCase().includes(text))
    .sort((a, b) => (sort.value === 'price' ? a.price - b.price : a.name.localeCompare(b.name)));
  list.replaceChildren(...shown.map(card));
}

function card(product) {
  const link = document.createElement('a');
  link.href = `product.html?id=${product.id}`;
  link.className = 'card';
  link.dataset.testid = `product-${product.id}`;
  link.innerHTML = `<img src="img/${product.id}.svg" alt="" width="400" height="280" />
    <h3></h3><span class="price"></span>`;
  link.querySelector('h3').textContent = product.name;
  link.querySelector('.price').textContent = `$${product.price}`;
  link.addEventListener('click', () => analytics.track('Product Clicked', { product: product.id }));
  return link;
}

filter.addEventListener('input', render);
filter.addEventListener('change', () =>
  analytics.track('Catalogue Filtered', { length: filter.value.length }),
);
sort.addEventListener('change', () => {
  analytics.track('Catalogue Sorted', { by: sort.value });
  render();
});
render();

// A list that keeps changing, so replays show DOM mutations while nobody types.
const cities = ['Lisbon', 'Osaka', 'Denver', 'Tallinn', 'Nairobi', 'Porto Alegre'];
const orders = document.getElementById('recent-orders');
let tick = 0;
function addOrder() {
  const product = products[tick % products.length];
  const item = document.createElement('li');
  item.textContent = `${product.name} to ${cities[tick % cities.length]}`;
  orders.prepend(item);
  while (orders.children.length > 4) orders.lastElementChild.remove();
  tick += 1;
}
addOrder();
setInterval(addOrder, 2500);
