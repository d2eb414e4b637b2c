// Imported first by the adapter tests, before anything that requires 'vscode'.
import { installFakeVscode } from './fakeVscode';

installFakeVscode();
