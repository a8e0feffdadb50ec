// What the house card says of a house's state and its ledger entry, in the words of the web
// pages: kept apart from the drawing so that it can be checked without a browser.

export const HOUSE_STATUS = { standing: "现存", demolished: "已拆除" };
// The ledger's statuses as the web pages name them (the forms carry no code list for them).
export const LEDGER_STATUS = { open: "待整治", controlled: "已管控", accepted: "已验收", closed: "已销号" };

// { facts: [[label, text]], alerts: [text], notices: [text] } of one downloaded house;
// `tags` names the priority-area codes.
export function houseStates(house, tags = {}) {
  const facts = [];
  const alerts = [];
  const notices = [];
  const status = HOUSE_STATUS[house.status] || house.status;
  if (status) {
    facts.push(["房屋状态", house.demolished_on ? `${status}（${house.demolished_on} 拆除）` : status]);
  }
  if (house.replaces_house_id) {
    facts.push(["重建新房", `原房屋（编号 ${house.replaces_house_id}）已拆除`]);
  }
  const entry = house.ledger_entry;
  // R-CJ-1: a priority area counts on the ledger too
  if (house.is_priority || entry?.priority) {
    const named = (house.priority_tags || []).map((t) => tags[t] || t).join("、");
    facts.push(["重点区域", named ? `是（${named}）` : "是"]);
  }
  if (!entry) return { facts, alerts, notices };
  const due = entry.next_check_due ? `，下次检查 ${entry.next_check_due}` : "";
  facts.push(["整治台账", `${LEDGER_STATUS[entry.status] || entry.status}${due}`]);
  if (entry.red_alert) alerts.push("红色预警：C/D 级危房仍有人居住");
  if (entry.business_alert) alerts.push("红色预警：整治期间发现经营活动");
  if (entry.control_overdue) alerts.push("管控措施逾期未落实");
  if (entry.engineering_overdue) alerts.push("工程措施计划已逾期");
  if (entry.signoff_proposed_on) {
    notices.push(`已具备销号条件，${entry.signoff_proposed_on} 已提请乡镇销号`);
  }
  return { facts, alerts, notices };
}
