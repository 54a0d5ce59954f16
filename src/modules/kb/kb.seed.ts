import { Principal } from '../auth/principal';
import type { CreateArticleInput, KbService } from './kb.service';

type Seed = Omit<CreateArticleInput, 'locale' | 'title' | 'body' | 'status' | 'visibility' | 'translationOf' | 'sourceTicket'> & {
  visibility?: 'public' | 'internal';
  status?: 'draft' | 'published';
  en?: { title: string; body: string };
  zh?: { title: string; body: string };
};

/** The demo's knowledge base: the demo products (AC-3500 air conditioner, WM-800 washer, DW-450 dishwasher) in both languages. */
export const KB_SEED: Seed[] = [
  {
    category: 'troubleshooting', models: ['AC-3500'], tags: ['cooling'],
    zh: { title: '空调制冷效果差的排查方法', body: '空调开机后出风不凉、制冷慢，可以按下面的步骤自行检查：\n\n1. 确认遥控器处于**制冷模式**，设定温度低于室温至少 3 度。\n2. 清洗**滤网**：滤网堵塞会让风量变小、制冷效果变差。\n3. 检查**室外机**是否通风良好，周围不要堆放杂物，避免阳光直晒。\n4. 关好门窗，房间面积是否超出空调的适用范围。\n\n如果以上都正常仍然不制冷，可能是缺少制冷剂（冷媒）或压缩机故障，请联系我们预约工程师上门检修。' },
    en: { title: 'Air conditioner cooling poorly: what to check', body: 'If the air from your air conditioner is not cold or it cools slowly, check the following:\n\n1. The remote control is in **cooling mode** and the set temperature is at least 3 degrees below the room temperature.\n2. Clean the **air filter**: a blocked filter reduces the airflow and the cooling.\n3. The **outdoor unit** must have free airflow: nothing stacked around it, no direct sun if possible.\n4. Close doors and windows; check that the room is not larger than the unit is made for.\n\nIf it still does not cool, the refrigerant may be low or the compressor faulty. Contact us to book an engineer visit.' },
  },
  {
    category: 'troubleshooting', models: ['AC-3500'], tags: ['error code', 'E4'],
    zh: { title: 'AC-3500 显示 E4 故障代码怎么办', body: '面板显示 **E4** 表示室外机保护（压缩机过热或系统压力异常）。\n\n- 先关机并**断电重启**：拔掉电源等待 5 分钟再开机。\n- 检查室外机散热：清理冷凝器表面的灰尘和树叶。\n- 如果重启后仍然显示 E4，或者反复出现，请不要继续使用，联系售后安排维修，并告诉我们机身背面的序列号。' },
    en: { title: 'AC-3500 shows error code E4', body: 'The code **E4** on the display means the outdoor unit protection has tripped (compressor overheating or abnormal pressure).\n\n- Switch off and **power cycle** the unit: unplug it, wait 5 minutes, switch it on again.\n- Make sure the outdoor unit can get rid of heat: remove dust and leaves from the condenser.\n- If E4 comes back, stop using the unit and contact us for a repair; have the serial number from the back of the unit ready.' },
  },
  {
    category: 'maintenance', models: ['AC-3500'], tags: ['filter'],
    zh: { title: '空调滤网的清洗方法', body: '建议每两周清洗一次滤网：\n\n1. 关机断电，打开面板，取出滤网。\n2. 用清水或温和的洗涤剂冲洗，不要用热水或刷子用力刷。\n3. 阴干后装回，不要在阳光下暴晒。\n\n滤网干净可以减少异味，让制冷和制热更省电。' },
    en: { title: 'How to clean the air conditioner filter', body: 'Clean the filter every two weeks:\n\n1. Switch the unit off and unplug it, open the front panel and take out the filter.\n2. Rinse it with water or a mild detergent; no hot water, no hard brushing.\n3. Let it dry in the shade and put it back.\n\nA clean filter keeps smells away and makes cooling and heating cheaper.' },
  },
  {
    category: 'troubleshooting', models: ['AC-3500'], tags: ['water'],
    zh: { title: '空调室内机滴水的原因与处理', body: '室内机往下滴水，通常是**排水管**堵塞、弯折或安装倾斜造成的冷凝水外流。\n\n- 检查排水管出口是否通畅，有没有被压住。\n- 滤网和蒸发器太脏也会结霜后化水，请先清洗滤网。\n- 如果是新安装的空调，请联系我们检查安装是否水平。' },
    en: { title: 'Water dripping from the indoor unit', body: 'When water drips from the indoor unit, the condensate usually cannot leave: the **drain hose** is blocked, kinked, or the unit is not level.\n\n- Check that the end of the drain hose is free.\n- A dirty filter and evaporator can ice up and then drip; clean the filter first.\n- For a unit installed recently, contact us to check that it was mounted level.' },
  },
  {
    category: 'troubleshooting', models: ['WM-800'], tags: ['water'],
    zh: { title: '洗衣机漏水的检查与处理', body: '洗衣机底下有水或者往外渗水时：\n\n1. 先**断电并关闭水龙头**。\n2. 检查**进水管**两端的接头是否拧紧，密封垫是否老化。\n3. 检查**排水管**有无破损，排水口是否堵塞导致溢水。\n4. 检查**门封**（密封圈）上是否夹有衣物或破损。\n\n如果水是从机器内部流出的，请不要继续使用，联系我们安排工程师上门。' },
    en: { title: 'Washing machine leaking water', body: 'If there is water under the washer or it leaks during a wash:\n\n1. **Unplug it and close the tap** first.\n2. Check that both ends of the **inlet hose** are tight and the washers are not worn.\n3. Check the **drain hose** for cracks and the drain for a blockage that makes it overflow.\n4. Check the **door seal** (gasket) for trapped clothes or damage.\n\nIf the water comes from inside the machine, stop using it and contact us for an engineer visit.' },
  },
  {
    category: 'troubleshooting', models: ['WM-800'], tags: ['drain'],
    zh: { title: '洗衣机不排水或排水慢', body: '洗完后筒里还有水、排水很慢，多半是排水系统堵了：\n\n1. 断电后打开机器右下角的小门，慢慢拧开**排水泵过滤器**，清除硬币、纽扣和毛絮（先准备好接水的盆）。\n2. 检查**排水管**是否弯折、被压住，或者插得太深。\n3. 重新选择“脱水”程序试一次。\n\n如果仍然不排水，并显示故障代码，请联系我们。' },
    en: { title: 'Washer won\'t drain or drains slowly', body: 'Water left in the drum after the wash, or slow draining, usually means a blockage:\n\n1. Unplug the washer, open the small flap at the bottom right and slowly unscrew the **drain pump filter**; remove coins, buttons and lint (have a bowl ready for the water).\n2. Check the **drain hose** for kinks, something pressing on it, or an end pushed too far into the standpipe.\n3. Run the "spin" programme once more.\n\nIf it still does not drain and shows an error code, contact us.' },
  },
  {
    category: 'troubleshooting', models: ['WM-800'], tags: ['noise'],
    zh: { title: '洗衣机脱水时震动和噪音大', body: '脱水时机器晃动、声音大，请检查：\n\n- 是否已经拆下**运输螺栓**（新机器背面的四颗螺栓）。\n- 机器四个脚是否调平、着地稳固。\n- 衣物是否缠成一团导致偏心，可以抖散后重新脱水。\n\n如果有金属撞击声，可能是轴承损坏，请联系维修。' },
    en: { title: 'Washer vibrates and is noisy during the spin', body: 'If the washer shakes or is loud while spinning, check:\n\n- The **transit bolts** (four bolts at the back of a new machine) have been removed.\n- All four feet are level and stand firmly.\n- The laundry is not tangled into one heavy ball; spread it out and spin again.\n\nA metallic banging may mean a worn bearing; contact us for a repair.' },
  },
  {
    category: 'troubleshooting', models: ['DW-450'], tags: ['cleaning'],
    zh: { title: '洗碗机洗不干净怎么办', body: '餐具上有残渣或水渍时：\n\n1. 清洗底部的**过滤网**，每周一次。\n2. 检查**喷淋臂**能否自由转动，喷孔有没有堵塞。\n3. 碗碟不要摆放过密，避免挡住喷淋臂。\n4. 使用合适的洗涤剂，并添加软水盐和亮碟剂。' },
    en: { title: 'Dishwasher does not clean the dishes well', body: 'When dishes come out with food residue or spots:\n\n1. Clean the **filter** at the bottom once a week.\n2. Check that the **spray arms** turn freely and their holes are not blocked.\n3. Do not load too densely; nothing may stop the spray arms.\n4. Use a suitable detergent, and add salt and rinse aid.' },
  },
  {
    category: 'troubleshooting', models: ['DW-450'], tags: ['drain'],
    zh: { title: '洗碗机底部积水、不排水', body: '程序结束后洗碗机底部还有积水：\n\n- 取出并清洗**过滤网**，清除食物残渣。\n- 检查**排水管**是否弯折，水槽下的排水口是否堵塞。\n- 关机后重新运行“排水”程序。\n\n如果仍然不排水，可能是排水泵故障，请联系我们。' },
    en: { title: 'Dishwasher not draining: water left at the bottom', body: 'If water stays at the bottom of the dishwasher after the programme:\n\n- Take out and clean the **filter**, removing food remains.\n- Check the **drain hose** for kinks and the sink drain for a blockage.\n- Switch off and run the "drain" programme again.\n\nIf it still does not drain, the drain pump may be faulty; contact us.' },
  },
  {
    category: 'warranty', models: ['AC-3500', 'WM-800', 'DW-450'], tags: ['warranty'],
    zh: { title: '如何登记保修', body: '购买后请在 30 天内登记保修：\n\n1. 找到机身背面铭牌上的**序列号**和型号。\n2. 准备好购买发票。\n3. 在线登记或致电服务热线。\n\n三包期内的性能故障：7 天内可退货，15 天内可换货，保修期内免费维修。' },
    en: { title: 'How to register your warranty', body: 'Register your warranty within 30 days of purchase:\n\n1. Find the **serial number** and model on the rating plate at the back of the unit.\n2. Have your purchase invoice ready.\n3. Register online or call our hotline.\n\nFor a performance fault: return within 7 days, exchange within 15 days, free repair during the warranty.' },
  },
  {
    category: 'installation', models: ['AC-3500'], tags: ['installation'],
    zh: { title: '空调安装前需要准备什么', body: '工程师上门安装前，请准备：\n\n- 确定室内机和室外机的位置，室外机需要牢固的墙面或平台。\n- 附近有独立的电源插座（16A）。\n- 清理安装位置周围的家具。\n\n安装通常需要 2 小时。' },
    en: { title: 'Preparing for the air conditioner installation', body: 'Before the engineer comes to install the unit:\n\n- Decide where the indoor and the outdoor unit go; the outdoor unit needs a solid wall or base.\n- A separate power socket (16 A) nearby.\n- Move furniture away from the place of installation.\n\nAn installation usually takes 2 hours.' },
  },
  {
    category: 'troubleshooting', models: ['WM-800'], tags: ['door', 'power'],
    zh: { title: '洗衣机无法启动或门打不开', body: '按下启动键没有反应，或者洗完后门打不开：\n\n- 确认插头已插好、水龙头已打开。\n- 门没有关紧时机器不会启动，请用力关门直到听到“咔”的一声。\n- 洗涤结束后门锁会延迟 2 分钟解锁；如果筒内还有水，请先排水。\n- 童锁打开时按键无效，长按童锁键 3 秒解除。' },
    en: { title: 'Washer won\'t start or the door won\'t open', body: 'If nothing happens when you press start, or the door stays locked after the wash:\n\n- Check that the plug is in and the tap is open.\n- The washer does not start with the door not closed: push it shut until it clicks.\n- After a wash the door lock opens after 2 minutes; if there is still water in the drum, drain it first.\n- With the child lock on, the buttons do nothing: hold the child-lock key for 3 seconds.' },
  },
  {
    visibility: 'internal', category: 'troubleshooting', models: ['AC-3500'], tags: ['E4', 'engineers'],
    zh: { title: '内部：E4 故障的冷媒泄漏检测流程', body: '仅供工程师参考。E4 反复出现时：测量低压侧压力，低于 0.4 MPa 时用检漏仪检查四通阀和室外机接头；补氟前必须先保压检漏。' },
    en: { title: 'Internal: refrigerant leak check for E4 faults', body: 'For engineers only. When E4 keeps coming back: measure the low-side pressure; below 0.4 MPa check the four-way valve and the outdoor unit joints with the leak detector; pressure-test before recharging the refrigerant.' },
  },
  {
    status: 'draft', category: 'troubleshooting', models: ['DW-450'], tags: ['heating'],
    en: { title: 'Dishwasher not heating the water (draft)', body: 'Draft: check the heating element and the temperature sensor.' },
  },
];

/** Writes the demo articles as the system (published, each pair linked) — once, on the demo seed. */
export async function seedKnowledgeBase(kb: Pick<KbService, 'create'>): Promise<void> {
  const author = new Principal('000000000000000000000000', 'Aftercare', 'kb@demo.local', 'admin', [], 'en', '');
  for (const s of KB_SEED) {
    const { en, zh, visibility = 'public', status = 'published', ...rest } = s;
    const common = { visibility, status, models: rest.models ?? [], tags: rest.tags ?? [], category: rest.category ?? 'general' };
    const first = zh ? await kb.create({ ...common, locale: 'zh-CN', ...zh }, author) : null;
    if (en) await kb.create({ ...common, locale: 'en', ...en, translationOf: first ? String(first._id) : undefined }, author);
  }
}
