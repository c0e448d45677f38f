// SVG files are bundled as text (scripts/build-client.mjs: loader '.svg': 'text').
declare module '*.svg' {
  const svg: string;
  export default svg;
}
declare const __AULA_VERSION__: string;
