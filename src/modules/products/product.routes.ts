import { Router } from 'express';
import { z } from 'zod';
import { ValidationError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import { createProductBody, listProductsQuery, productParams, productView, putProductBody } from './product.schemas';
import { serializeProduct, type ProductService } from './product.service';

const WRITERS = ['manager', 'admin'] as const;

export function productRoutes(api: ApiRegistry, products: ProductService): Router {
  const r = Router();
  api.components.Product = productView;

  api.route(
    r,
    { method: 'get', path: '/api/products', tag: 'products', summary: 'The product catalogue: models, warranty months, return and exchange days (三包)', auth: 'agent', query: listProductsQuery, response: z.object({ products: z.array(productView) }) },
    async ({ query }) => ({ products: (await products.list({ includeInactive: query.includeInactive === 'true' })).map(serializeProduct) }),
  );

  api.route(
    r,
    { method: 'post', path: '/api/products', tag: 'products', summary: 'Add a model to the catalogue (managers, admins); 409 when the model exists', auth: WRITERS, errors: [409], body: createProductBody, status: 201, response: productView },
    async ({ body }) => serializeProduct(await products.create(body)),
  );

  api.route(
    r,
    { method: 'put', path: '/api/products/:model', tag: 'products', summary: 'Replace the terms of a model (managers, admins)', auth: WRITERS, params: productParams, body: putProductBody, response: productView },
    async ({ params, body }) => {
      if (body.model && body.model !== params.model) throw new ValidationError('A model code cannot change; add the new model with POST /api/products');
      return serializeProduct(await products.replace(params.model, body));
    },
  );

  return r;
}
