export const PKG = '@inferlens/hono';
