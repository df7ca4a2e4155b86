import { render } from 'preact';
import { App } from './app/App';
import { createTokenStore } from './lib/session';
import './styles.css';

const root = document.getElementById('app');
if (root) render(<App tokens={createTokenStore()} />, root);
