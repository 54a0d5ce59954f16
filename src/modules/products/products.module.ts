import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import { productModel } from './product.model';
import { productRoutes } from './product.routes';
import { ProductService } from './product.service';

/** The product catalogue (models, warranty months, 三包 windows, maintenance plans). */
export type ProductsModule = AppModule & { products: ProductService };

export function productsModule(core: Core): ProductsModule {
  const products = new ProductService(productModel(core.conn, core.clock));
  return {
    name: 'products',
    products,
    routes: (api) => [productRoutes(api, products)],
  };
}
