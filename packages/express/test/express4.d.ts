// Express 4 is installed under the npm alias `express4` so the same tests run on 4 and 5.
declare module 'express4' {
  import express from 'express';
  export default express;
}
