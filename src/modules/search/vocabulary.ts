/**
 * What the department's words mean to search: a concept is one idea written many ways, in Chinese
 * and English. Text and queries both carry the concept's term (`~nocool`), so `空调不制冷怎么办`
 * meets `空调制冷效果差的排查方法` and `won't drain` meets `排水慢`. Chinese phrases are also added
 * to the segmenter's dictionary so that they are cut as one word; English phrases are matched on
 * the stemmed word sequence (`not draining` → `not drain`).
 *
 * Changing this file changes the analysis: the index version (see `ANALYSIS_VERSION` in the
 * analyzer) is a hash of it, so a changed vocabulary rebuilds the index on the next start.
 */
export interface Concept {
  id: string;
  zh: readonly string[];
  en: readonly string[];
}

export const CONCEPTS: readonly Concept[] = [
  // products
  { id: 'aircon', zh: ['空调', '空调机', '冷气机', '挂机', '柜机', '挂式空调', '柜式空调'], en: ['air conditioner', 'air conditioning', 'aircon', 'ac', 'a c', 'air con', 'ac unit'] },
  { id: 'washer', zh: ['洗衣机', '滚筒洗衣机', '波轮洗衣机'], en: ['washer', 'washing machine', 'washing-machine', 'laundry machine'] },
  { id: 'dishwasher', zh: ['洗碗机'], en: ['dishwasher', 'dish washer', 'dish-washer'] },
  // faults
  { id: 'nocool', zh: ['不制冷', '制冷效果差', '制冷差', '制冷不好', '制冷慢', '制冷不足', '不够凉', '不凉', '不冷', '吹热风', '不出冷风', '没有冷风'], en: ['not cooling', 'no cooling', 'not cool', 'won t cool', 'wont cool', 'doesn t cool', 'does not cool', 'poor cooling', 'weak cooling', 'cooling poorly', 'cools poorly', 'warm air', 'blows warm air', 'not cold', 'no cold air'] },
  { id: 'noheat', zh: ['不制热', '制热效果差', '制热差', '不加热', '不热', '水不热', '加热慢'], en: ['not heating', 'no heat', 'won t heat', 'wont heat', 'doesn t heat', 'does not heat', 'poor heating', 'not hot', 'cold water'] },
  { id: 'leak', zh: ['漏水', '渗水', '底下有水', '地上有水', '滴水', '漏了水', '往外漏水', '有水渗出', '出水口漏水'], en: ['leak', 'leaking', 'leaks', 'leaky', 'water on the floor', 'water under', 'water underneath', 'drip', 'dripping', 'puddle', 'flooded', 'flooding'] },
  { id: 'nodrain', zh: ['不排水', '排水慢', '排水不畅', '排不出水', '排不了水', '排水不了', '积水', '不出水', '排水故障'], en: ['won t drain', 'wont drain', 'not draining', 'doesn t drain', 'does not drain', 'no drain', 'slow drain', 'slow draining', 'drains slowly', 'draining slowly', 'standing water', 'water left'] },
  { id: 'nospin', zh: ['不脱水', '脱水不了', '不甩干', '甩不干', '不转'], en: ['won t spin', 'wont spin', 'not spinning', 'doesn t spin', 'does not spin', 'no spin'] },
  { id: 'noise', zh: ['噪音', '噪音大', '噪声', '异响', '响声大', '声音大', '杂音', '嗡嗡响', '咔咔响'], en: ['noise', 'noisy', 'loud', 'rattle', 'rattling', 'humming', 'squeak', 'squeaking', 'banging'] },
  { id: 'vibrate', zh: ['震动', '振动', '抖动', '晃动', '震得厉害'], en: ['vibrate', 'vibration', 'vibrating', 'shaking', 'shakes', 'wobble', 'wobbling', 'walking'] },
  { id: 'nopower', zh: ['不通电', '开不了机', '无法开机', '不开机', '开不开', '没反应', '不启动', '无法启动', '启动不了', '没电'], en: ['won t turn on', 'wont turn on', 'does not turn on', 'doesn t turn on', 'no power', 'won t start', 'wont start', 'doesn t start', 'does not start', 'not starting', 'dead', 'not working'] },
  { id: 'smell', zh: ['异味', '有味道', '发臭', '臭味', '霉味', '焦味'], en: ['smell', 'smells', 'smelly', 'odor', 'odour', 'stink', 'stinks'] },
  { id: 'notclean', zh: ['洗不干净', '清洗不干净', '不干净', '有残渣', '有水渍', '有污渍'], en: ['not clean', 'not cleaning', 'dirty', 'residue', 'spots', 'still dirty'] },
  { id: 'ice', zh: ['结冰', '结霜', '结冰霜'], en: ['ice', 'icing', 'frost', 'frosting', 'frozen', 'freezing up'] },
  { id: 'errorcode', zh: ['故障码', '故障代码', '错误代码', '错误码', '报错', '代码', '报故障'], en: ['error code', 'fault code', 'error', 'code', 'error message'] },
  { id: 'shock', zh: ['漏电', '触电', '电到'], en: ['electric shock', 'shock', 'shocks'] },
  { id: 'doorlock', zh: ['门打不开', '开不了门', '门锁住', '门锁不上', '门关不上', '门锁故障'], en: ['door won t open', 'door wont open', 'door locked', 'door lock', 'door stuck', 'door will not open'] },
  // parts
  { id: 'compressor', zh: ['压缩机'], en: ['compressor'] },
  { id: 'refrigerant', zh: ['制冷剂', '冷媒', '氟利昂', '加氟', '缺氟', '漏氟'], en: ['refrigerant', 'freon', 'gas', 'coolant', 'regas'] },
  { id: 'filter', zh: ['滤网', '过滤网', '滤芯', '过滤器'], en: ['filter', 'filters', 'air filter', 'lint filter'] },
  { id: 'drainpump', zh: ['排水泵'], en: ['drain pump', 'pump'] },
  { id: 'drainhose', zh: ['排水管', '出水管'], en: ['drain hose', 'drain pipe', 'outlet hose'] },
  { id: 'inlethose', zh: ['进水管', '进水阀'], en: ['inlet hose', 'inlet valve', 'water supply hose'] },
  { id: 'outdoorunit', zh: ['室外机', '外机'], en: ['outdoor unit', 'condenser unit'] },
  { id: 'indoorunit', zh: ['室内机', '内机'], en: ['indoor unit'] },
  { id: 'doorseal', zh: ['门封', '密封圈', '门封条', '胶圈'], en: ['door seal', 'gasket', 'seal'] },
  { id: 'sprayarm', zh: ['喷淋臂', '喷臂'], en: ['spray arm', 'spray arms'] },
  { id: 'board', zh: ['主板', '电脑板', '控制板', '电路板'], en: ['control board', 'main board', 'mainboard', 'pcb', 'circuit board'] },
  { id: 'sensor', zh: ['传感器', '温度传感器', '感温包'], en: ['sensor', 'temperature sensor', 'thermistor'] },
  { id: 'remote', zh: ['遥控器', '遥控'], en: ['remote control', 'remote'] },
  { id: 'fan', zh: ['风扇', '风机', '电机'], en: ['fan', 'fan motor', 'motor'] },
  // service
  { id: 'warranty', zh: ['保修', '三包', '质保', '保修期', '保修卡'], en: ['warranty', 'guarantee', 'guaranty'] },
  { id: 'repair', zh: ['维修', '修理', '报修', '上门维修', '修一下'], en: ['repair', 'fix', 'service visit', 'technician visit', 'engineer visit'] },
  { id: 'install', zh: ['安装', '装机', '移机'], en: ['install', 'installation', 'installing', 'mount', 'mounting'] },
  { id: 'return', zh: ['退货', '退换货', '换货', '退款', '退钱', '退换'], en: ['return', 'refund', 'exchange', 'replacement', 'send back'] },
  { id: 'clean', zh: ['清洗', '清洁', '保养', '清理'], en: ['clean', 'cleaning', 'maintenance', 'descale', 'descaling'] },
  { id: 'reset', zh: ['重启', '复位', '断电重启', '重置'], en: ['reset', 'restart', 'reboot', 'power cycle'] },
  { id: 'troubleshoot', zh: ['排查', '排除', '检修', '怎么办', '如何处理', '解决方法', '处理方法'], en: ['troubleshoot', 'troubleshooting', 'diagnose', 'what to do', 'how to fix', 'solution'] },
];

/**
 * Words the segmenter must cut whole (beyond the concepts' Chinese phrases): parts, faults and
 * product words of the demo domain. Model numbers and codes need no entry: any run of letters and
 * digits (`AC-3500`, `E4`, `WM800`) is one token.
 */
export const EXTRA_WORDS: readonly string[] = [
  '面板', '显示屏', '指示灯', '闪烁', '蒸发器', '冷凝器', '毛细管', '四通阀', '室温', '设定温度', '制冷模式', '制热模式', '除湿',
  '滚筒', '内筒', '波轮', '洗涤剂', '洗衣液', '柔顺剂', '水位', '水压', '水龙头', '进水', '排水', '脱水', '甩干',
  '碗篮', '洗涤剂盒', '软水盐', '软水器', '烘干', '餐具', '水渍', '残渣',
  '故障', '维修点', '上门', '工程师', '预约', '保修卡', '发票', '序列号', '型号', '说明书', '售后',
];

/** Chinese words and English stems that carry no meaning for search (kept in phrases, dropped after). */
export const STOP_ZH: readonly string[] = [
  '的', '了', '和', '与', '及', '或', '是', '在', '有', '我', '我的', '我家', '我家的', '你', '您', '您好', '你好', '他', '她', '它', '们', '我们', '这', '那', '这个', '那个',
  '就', '也', '都', '还', '又', '很', '太', '吗', '呢', '吧', '啊', '呀', '哦', '嗯', '把', '被', '给', '让', '从', '对', '为', '向', '到', '以', '于', '上', '下', '里', '中',
  '怎么', '怎样', '如何', '什么', '为什么', '哪里', '请问', '请', '谢谢', '一下', '一个', '一直', '已经', '现在', '今天', '昨天', '时候', '问题', '出现', '发现', '一些',
  '可以', '能', '会', '要', '想', '需要', '应该', '没有', '没', '不', '个', '次', '些', '后', '前', '时', '说', '看', '做', '用', '得', '地', '着', '过',
];

export const STOP_EN: readonly string[] = [
  'a', 'an', 'the', 'and', 'or', 'but', 'if', 'of', 'to', 'in', 'on', 'at', 'by', 'for', 'with', 'from', 'into', 'about', 'as', 'up', 'out', 'off', 'over', 'under', 'again',
  'is', 'are', 'was', 'were', 'be', 'been', 'being', 'am', 'do', 'does', 'did', 'doing', 'done', 'have', 'has', 'had', 'having', 'will', 'would', 'shall', 'should', 'can', 'could', 'may', 'might', 'must',
  'i', 'me', 'my', 'mine', 'we', 'us', 'our', 'you', 'your', 'he', 'him', 'his', 'she', 'her', 'it', 'its', 'they', 'them', 'their', 'this', 'that', 'these', 'those',
  'what', 'which', 'who', 'whom', 'when', 'where', 'why', 'how', 'there', 'here', 'then', 'than', 'so', 'too', 'very', 'just', 'also', 'only', 'still', 'any', 'some', 'all', 'each', 'more', 'most',
  'not', 'no', 'nor', 'won', 'wont', 'don', 'dont', 'doesn', 'doesnt', 'didn', 'didnt', 'isn', 'isnt', 'aren', 'arent', 'can', 'cant', 'cannot', 't', 's', 'll', 're', 've', 'd', 'm',
  'please', 'hi', 'hello', 'thanks', 'thank', 'get', 'got', 'keep', 'keeps', 'anymore', 'properly', 'really',
];
