export { default } from '../http/vitest.config';
