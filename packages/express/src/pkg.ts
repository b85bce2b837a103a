export const PKG = '@inferlens/express';
