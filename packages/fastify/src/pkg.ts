export const PKG = '@inferlens/fastify';
