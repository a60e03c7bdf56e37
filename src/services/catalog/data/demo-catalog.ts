/** The demo shop a fresh install starts with (SEED_DEMO_DATA). Prices in minor units. */

export interface DemoProduct {
  sku: string;
  name: string;
  description: string;
  price: number;
  stock: number;
}

export interface DemoCategory {
  slug: string;
  name: string;
  products: DemoProduct[];
}

const p = (sku: string, name: string, price: number, stock: number, description: string): DemoProduct => ({ sku, name, description, price, stock });

export const demoCatalog: DemoCategory[] = [
  {
    slug: 'kitchen',
    name: 'Kitchen',
    products: [
      p('KIT-001', 'Cast Iron Skillet 26 cm', 3499, 40, 'Pre-seasoned cast iron pan that goes from hob to oven. Holds heat evenly for searing and baking.'),
      p('KIT-002', 'Chef Knife 20 cm', 5900, 25, 'Forged stainless steel blade with a full tang. Balanced for long prep sessions.'),
      p('KIT-003', 'Bamboo Cutting Board Set', 2450, 60, 'Three boards in graduated sizes with juice grooves. Gentle on knife edges.'),
      p('KIT-004', 'Electric Kettle 1.7 L', 3999, 35, 'Brushed steel kettle with temperature presets for tea and coffee. Boils a full jug in four minutes.'),
      p('KIT-005', 'Pour-Over Coffee Dripper', 1899, 50, 'Ceramic cone dripper for one or two cups. Brings out the clarity of light roasts.'),
      p('KIT-006', 'Stand Mixer 5 L', 24900, 8, 'Tilt-head mixer with ten speeds, dough hook, whisk and flat beater. Handles heavy bread dough with ease.'),
      p('KIT-007', 'Glass Storage Jars (Set of 6)', 2999, 45, 'Airtight borosilicate jars with bamboo lids. Keep flour, rice and beans fresh and visible.'),
      p('KIT-008', 'Non-Stick Saucepan 2 L', 2799, 30, 'Ceramic-coated saucepan with a glass lid. Suitable for all hobs including induction.'),
      p('KIT-009', 'Digital Kitchen Scale', 1999, 70, 'Weighs up to 5 kg in 1 g steps with a tare button. Slim enough to store in a drawer.'),
      p('KIT-010', 'Linen Tea Towels (Pack of 3)', 1599, 80, 'Absorbent stonewashed linen towels that get softer with every wash.'),
      p('KIT-011', 'Dutch Oven 5.5 L', 8900, 12, 'Enamelled cast iron pot for braises, stews and no-knead bread. Oven safe to 260 °C.'),
    ],
  },
  {
    slug: 'outdoor',
    name: 'Outdoor',
    products: [
      p('OUT-001', 'Two-Person Backpacking Tent', 18900, 10, 'Freestanding tent weighing 1.6 kg with two doors and vestibules. Pitches in under five minutes.'),
      p('OUT-002', 'Down Sleeping Bag -5 °C', 21900, 9, 'Lightweight mummy bag filled with responsibly sourced down. Packs to the size of a loaf of bread.'),
      p('OUT-003', 'Insulated Water Bottle 750 ml', 2999, 90, 'Double-wall steel bottle that keeps drinks cold for a day and hot for twelve hours.'),
      p('OUT-004', 'Trekking Poles (Pair)', 6499, 22, 'Carbon poles with cork grips and quick flick locks. Fold down for travel.'),
      p('OUT-005', 'Camping Stove', 4599, 30, 'Compact gas stove that boils a litre of water in three minutes. Piezo ignition included.'),
      p('OUT-006', 'Headlamp 400 Lumen', 3499, 55, 'Rechargeable headlamp with red night mode and a lockable switch. Runs 40 hours on low.'),
      p('OUT-007', 'Waterproof Hiking Jacket', 14900, 18, 'Three-layer breathable shell with taped seams and pit zips. Built for long wet days.'),
      p('OUT-008', 'Folding Camp Chair', 3999, 40, 'Sturdy aluminium chair with a cup holder that folds into its own bag.'),
      p('OUT-009', 'Daypack 24 L', 7999, 26, 'Ventilated back panel, hip belt and rain cover. Fits a hydration bladder.'),
      p('OUT-010', 'Hammock with Tree Straps', 4999, 0, 'Parachute nylon hammock for one with wide straps that protect bark. Sets up in a minute.'),
    ],
  },
  {
    slug: 'electronics',
    name: 'Electronics',
    products: [
      p('ELE-001', 'Wireless Noise-Cancelling Headphones', 19900, 20, 'Over-ear headphones with adaptive noise cancelling and 30 hours of battery. Folds flat for travel.'),
      p('ELE-002', 'Bluetooth Speaker', 7900, 35, 'Waterproof portable speaker with rich bass and a twelve hour battery.'),
      p('ELE-003', 'USB-C Charger 65 W', 4499, 60, 'Gallium nitride charger with two USB-C ports and one USB-A. Charges a laptop and a phone together.'),
      p('ELE-004', 'Mechanical Keyboard', 10900, 15, 'Tenkeyless keyboard with hot-swappable switches and a detachable USB-C cable.'),
      p('ELE-005', 'Wireless Mouse', 3999, 50, 'Quiet-click ergonomic mouse that pairs with three devices. Runs months on one AA battery.'),
      p('ELE-006', '27-inch 4K Monitor', 38900, 7, 'IPS panel with accurate colour and a single cable USB-C connection that also charges your laptop.'),
      p('ELE-007', 'Portable Power Bank 20000 mAh', 4999, 45, 'Charges a phone four times over. Supports fast charging in and out.'),
      p('ELE-008', 'Smart LED Bulb (2 Pack)', 2499, 70, 'Dimmable colour bulbs controlled by app or voice assistant. No hub needed.'),
      p('ELE-009', 'E-Reader with Front Light', 12900, 12, 'Glare-free 7-inch screen that reads like paper. Weeks of battery on a single charge.'),
      p('ELE-010', 'Webcam 1080p', 5999, 3, 'Full HD webcam with autofocus and dual microphones. Clips onto any monitor.'),
      p('ELE-011', 'True Wireless Earbuds', 8999, 28, 'Compact earbuds with a pocketable charging case and sweat resistance for workouts.'),
    ],
  },
  {
    slug: 'books',
    name: 'Books',
    products: [
      p('BOO-001', 'The Pragmatic Programmer', 4299, 30, 'A classic guide to the craft of software development, updated for modern practice.'),
      p('BOO-002', 'Designing Data-Intensive Applications', 4999, 25, 'How databases, caches and stream processors work, and how to choose between them.'),
      p('BOO-003', 'Salt, Fat, Acid, Heat', 3500, 18, 'A cookbook that teaches the four elements of good cooking rather than recipes alone.'),
      p('BOO-004', 'The Hobbit (Illustrated Edition)', 2999, 40, 'The beloved adventure of Bilbo Baggins, with full-colour illustrations throughout.'),
      p('BOO-005', 'A Short History of Nearly Everything', 1899, 35, 'A funny and curious tour of science from the Big Bang to the rise of civilisation.'),
      p('BOO-006', 'Atomic Habits', 2199, 50, 'Practical strategies for building good habits and breaking bad ones, one small change at a time.'),
      p('BOO-007', 'The Wild Garden Field Guide', 2599, 0, 'Identify over 300 wildflowers, grasses and ferns with clear photographs and notes.'),
      p('BOO-008', 'Thinking, Fast and Slow', 1999, 22, 'A Nobel laureate explains the two systems that drive the way we think and decide.'),
      p('BOO-009', 'Dune', 1699, 45, 'The epic science fiction saga of politics, religion and ecology on the desert planet Arrakis.'),
      p('BOO-010', 'Watercolour for Beginners', 2799, 14, 'Step-by-step lessons from first washes to finished landscapes.'),
    ],
  },
  {
    slug: 'apparel',
    name: 'Apparel',
    products: [
      p('APP-001', 'Organic Cotton T-Shirt', 2499, 120, 'Heavyweight crew neck tee in organic cotton. Cut for a relaxed everyday fit.'),
      p('APP-002', 'Merino Wool Sweater', 8900, 30, 'Fine-knit merino jumper that regulates temperature and resists odour.'),
      p('APP-003', 'Slim Selvedge Jeans', 11900, 25, 'Raw selvedge denim woven on vintage looms. Fades beautifully with wear.'),
      p('APP-004', 'Waxed Canvas Jacket', 18900, 10, 'Water-resistant waxed cotton jacket with a corduroy collar and plenty of pockets.'),
      p('APP-005', 'Wool Beanie', 2999, 60, 'Ribbed beanie knitted from soft lambswool. Warm without itching.'),
      p('APP-006', 'Leather Belt', 4500, 40, 'Full-grain vegetable-tanned leather belt with a solid brass buckle.'),
      p('APP-007', 'Running Shorts', 3499, 45, 'Light quick-dry shorts with a built-in liner and a zipped back pocket.'),
      p('APP-008', 'Linen Shirt', 6500, 20, 'Breathable washed linen shirt for hot days. Looks better a little creased.'),
      p('APP-009', 'Merino Hiking Socks (3 Pairs)', 3299, 75, 'Cushioned merino socks that stay dry and comfortable over long distances.'),
      p('APP-010', 'Rain Poncho', 2599, 2, 'Packable hooded poncho that covers you and your backpack.'),
    ],
  },
  {
    slug: 'home-office',
    name: 'Home Office',
    products: [
      p('HOF-001', 'Ergonomic Office Chair', 32900, 6, 'Adjustable lumbar support, armrests and seat depth for all-day comfort. Breathable mesh back.'),
      p('HOF-002', 'Standing Desk Frame', 39900, 5, 'Dual-motor electric frame with memory presets. Raises from sitting to standing in seconds.'),
      p('HOF-003', 'Desk Lamp with Wireless Charger', 5999, 25, 'Dimmable LED lamp with adjustable colour temperature and a Qi charging base.'),
      p('HOF-004', 'Felt Desk Mat', 2999, 40, 'Large wool felt mat that protects the desk and quiets the keyboard.'),
      p('HOF-005', 'Monitor Arm', 8900, 15, 'Gas spring arm that holds screens up to 32 inches. Frees up desk space.'),
      p('HOF-006', 'A5 Dotted Notebook', 1499, 100, 'Lay-flat notebook with 160 pages of fountain pen friendly paper.'),
      p('HOF-007', 'Cable Management Kit', 1999, 55, 'Sleeves, clips and ties to tame the cables under and behind your desk.'),
      p('HOF-008', 'Noise-Reducing Room Divider', 14900, 4, 'Freestanding acoustic panel that cuts echo in shared rooms. Folds for storage.'),
      p('HOF-009', 'Fountain Pen', 3999, 30, 'Steel-nib fountain pen with a converter for bottled ink. Smooth and reliable.'),
      p('HOF-010', 'Document Organiser', 2499, 35, 'Five-slot desktop organiser in powder-coated steel for letters, notebooks and files.'),
    ],
  },
];
