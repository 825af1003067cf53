// GET /products: the catalogue with prices and current availability, through the product catalogue port.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import type { AppDeps } from '../deps.js';
import { validationHook } from '../errors.js';
import { errorResponses, MoneySchema } from '../schemas/common.js';

const ProductSchema = z
  .object({
    sku: z.string(),
    name: z.string(),
    unitPrice: MoneySchema,
    available: z.number().int().openapi({ description: 'Units free to order right now (a snapshot)' }),
  })
  .openapi('Product');

const listProducts = createRoute({
  method: 'get',
  path: '/products',
  operationId: 'listProducts',
  tags: ['catalogue'],
  summary: 'The catalogue, with prices and availability',
  responses: {
    200: {
      description: 'Every product, by SKU',
      content: { 'application/json': { schema: z.object({ products: z.array(ProductSchema) }) } },
    },
    ...errorResponses('UNAVAILABLE'),
  },
});

export function productRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(listProducts, async (c) =>
    c.json({ products: await deps.products.listProducts() }, 200),
  );
}
