// Renderer entry: connect to the app (Electron bridge or WebSocket), apply the theme, mount the UI.
import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './styles/app.css';
import App from './App.svelte';
import { connectHost } from './api/host.ts';
import { router } from './state/router.svelte.ts';
import { theme } from './state/theme.svelte.ts';

theme.start();
router.start();
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target, props: { host: connectHost() } });
