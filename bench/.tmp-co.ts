import { runCheckoutScenario } from './checkout-scenario.js';
const f = await runCheckoutScenario(process.argv[2]!, { email: 'a@example.com', password: 'adminpassword123' }, Number(process.env.C ?? 50), Number(process.env.S ?? 15));
console.log(JSON.stringify(f));
