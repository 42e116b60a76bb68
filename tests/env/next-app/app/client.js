'use client';
import { useEffect, useState } from 'react';
import { together } from './together.js';

export default function Client() {
  const [result, setResult] = useState(null);
  useEffect(() => setResult(JSON.stringify(together())), []);
  return result === null ? null : <pre id="client">{result}</pre>;
}
