import { multiNodeCases } from './cases/multi-node.cases';

multiNodeCases('two API processes on one Redis and one database');
