import { analytics } from './analytics.js';
import { findProduct, products } from './products.js';

const id = new URLSearchParams(window.location.search).get('id');
const product = findProduct(id) ?? products[0];

document.title = `${product.name} · Harbor Coffee`;
document.getElementById('product-image').src = `img/${product.id}.svg`;
document.getElementById('product-name').textContent = product.name;
document.getElementById('product-notes').textContent = product.notes;
document.getElementById('product-price').textContent = `$${product.price} for 340 g`;
analytics.track('Product Viewed', { product: product.id, price: product.price });

const dialog = document.getElementById('cart-dialog');
document.getElementById('add-to-cart').addEventListener('click', () => {
  const quantity = Number(document.getElementById('quantity').value) || 1;
  document.getElementById('cart-summary').textContent = `${quantity} × ${product.name}`;
  analytics.track('Added to Cart', { product: product.id, quantity });
  dialog.showModal();
});
