import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { strings } from './strings';
import './styles.css';

// Screen readers pick their voice from lang, and the browser mirrors the layout from dir.
document.documentElement.lang = strings.lang;
document.documentElement.dir = strings.dir;
document.title = strings.serviceName;

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element to render the portal into');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
