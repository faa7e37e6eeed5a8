# resolvd 的简体中文消息目录。键与变量必须与 en.ftl 完全一致。

## 通用

stars = { $count } 星
nobody = 无人
nobody-yet = 暂无
unclassified = 未分类
join-or = { $init }或{ $last }
join-and = { $init }和{ $last }
role-plural = { $role ->
    [customer] 客户
    [engineer] 工程师
    [owner] 领域负责人
    [manager] 经理
    [product_manager] 产品经理
    [parts] 备件管理员
   *[lead] 负责人
}
role-singular = { $role ->
    [customer] 客户
    [engineer] 工程师
    [owner] 领域负责人
    [manager] 经理
    [product_manager] 产品经理
    [parts] 备件管理员
   *[lead] 负责人
}
role-refused = /{ $command } 仅限{ $allowed }使用；您的身份是{ $yours }
internal-error = 发生内部错误（编号 { $reference }），已记录
no-such-ticket = 没有工单 { $ticket }
no-ticket-here = 此会话没有未关闭的工单；请用 ticket:T-n 指定一个
long-message = 您的消息较长（{ $length } 个字符），已全部记录在工单中。
quote-cut = …（共 { $length } 个字符，工单中保存了全文）
no-text = （无文字）
sent-files = 发送了 { $files }
kb-not-set-up = 此处未配置知识库

## 领域错误

error-bad-ticket-ref = `{ $text }` 不是工单编号；请写成 T-12 的形式
error-closed = { $ticket } 已关闭；请先重新打开
error-resolved = { $ticket } 已解决；请先重新打开再{ $action ->
    [escalate] 升级
    [resolve] 解决
    [wait] 等待客户答复
   *[raise] 升级为 S 级
}
error-nothing-to-classify = 请至少给出领域、类型或严重程度之一
error-already-assigned = { $ticket } 已指派给 { $assignee }
error-not-assigned = { $ticket } 没有处理人
error-top-tier = { $ticket } 已在最后一级 RnD
error-not-higher-tier = 升级只能向上：{ $ticket } 在 { $current }，不能转到 { $requested }
error-same-severity = { $ticket } 已经是 { $severity }
error-already-waiting = { $ticket } 已在等待客户答复
error-empty-resolution = 解决方案需要文字：请说明是如何解决的
error-not-resolved = { $ticket } 尚未解决；只有已解决的工单才能确认
error-reopen-merged = { $ticket } 已合并到另一个工单；请重新打开那个工单
error-not-finished = { $ticket } 的状态是 { $status }，既未解决也未关闭，无需重新打开
error-self-link = 工单不能关联到自身
error-s-needs-domain = 请先为 { $ticket } 指定领域：S 级由该领域的负责人确认

## 给客户

intake-empty = 您的消息是空的，未发送任何内容
intake-staff-help = 您是工作人员，此消息不会创建工单。要为客户创建工单，请使用 /ticket customer:… text:…；/help 列出您可用的命令
intake-saved-later = 我们已保存您的消息，但暂时无法创建工单；稍后会自动处理
intake-ack = 谢谢，我们已为您创建工单 { $ticket }。工程师会在这里回复您；在此会话中继续留言即可补充信息。
intake-added = 已添加到 { $ticket }。{ $note }
intake-slow-down = 您发送消息的速度太快了（每分钟超过 { $limit } 条）。每条消息都已保存在 { $ticket } 中，工程师会全部阅读。
offer-intro = 在等待期间，以下文章或许能帮助解决 { $ticket }：
offer-outro = 如果其中一篇解决了问题，请点击它的“已解决”按钮；否则工程师马上就来。
offer-solved-button = { $number }. 已解决
offer-need-help-button = 我仍需要帮助
offer-asker-only = 只有提问的客户才能回答这些建议
offer-not-suggested = 未向 { $ticket } 推荐过 `{ $article }`
offer-none-suggested = 未向 { $ticket } 推荐任何文章
offer-glad = 很高兴能帮上忙。{ $ticket } 已关闭。
offer-need-help-thanks = 感谢您的尝试。工程师会在这里帮您处理 { $ticket }。
card-resolved = { $ticket } 已解决：{ $resolution }
    问题修复了吗？请为我们的服务打分（1 到 5）。
card-reminder = { $ticket } 修复了吗？我们的解决方案：{ $resolution }
    如果没有收到您的答复，我们将于 { $closes } 关闭该工单。
card-auto-closed = 由于没有收到您的答复，我们已关闭 { $ticket }。如果问题仍未解决，请给我们留言，我们会继续帮助您。
card-confirm-button = 是的，已修复
card-not-fixed-button = 没有，仍未修复
card-confirm-only = 只有报告问题的客户才能确认此工单
card-reopen-only = 只有报告问题的客户才能重新打开此工单
card-rate-only = 只有报告问题的客户才能为此工单评分
card-confirmed = 谢谢。{ $ticket } 已关闭。
card-not-fixed = 很抱歉。我们已重新打开 { $ticket }；请告诉我们您看到的情况。
card-rate-usage = 请为 { $ticket } 打 1 到 5 分，例如 rate:{ $ticket }:4
card-rate-too-early = { $ticket } 尚未解决；修复后再评分
card-rated = 感谢您为 { $ticket } 打了 { $score } 分（满分 5 分）。
close-own-only = 只有创建工单的客户才能以这种方式关闭
close-own-done = { $ticket } 已关闭。感谢您联系我们。
status-carried-on = { $ticket } 与 { $successor } 是同一个问题，我们将在那里继续处理。
status-customer = { $ticket }“{ $title }”：{ $standing }
status-working = 我们正在处理。
status-queued = 我们已收到，工程师很快会接手。
status-helping = { $name } 正在为您处理。
status-answer-by = 我们会在 { $by } 之前答复您。
status-solve-by = 我们争取在 { $by } 之前解决。
status-waiting-for-you = 正在等待您的答复：请在这里回答我们的上一个问题，我们会继续处理。
status-solved = 已于 { $on } 解决，请确认：点击我们消息中的“是的，已修复”，如果没有修复请在这里告诉我们。
status-closed = 已于 { $on } 关闭。如果问题再次出现，请在这里给我们留言。
sentence-then = { $first }{ $next }
list-separator = 、
close-own-tickets-only = 您只能关闭自己的工单
close-already = { $ticket } 已经关闭
close-yes-button = 是的，关闭它
close-ask = 关闭 { $ticket }？关闭后将不再有人处理。
close-press = 点击“是的，关闭它”以关闭 { $ticket }。
customer-passed-on = 我们已将 { $ticket } 转交给{ $tier ->
    [L1] 一线支持
    [L2] 二线支持
   *[RnD] 研发工程
}团队，他们会跟进处理。
customer-top-priority = 我们已将 { $ticket } 列为最高优先级：应急团队正在处理，并会在这里随时向您通报进展。
customer-relayed = { $name }（{ $ticket }）：{ $text }
customer-wait-reason = 我们需要您提供一些信息才能继续处理 { $ticket }：{ $reason }
customer-wait = 我们正在等待您的回复，以便继续处理 { $ticket }。
customer-reopened = 我们已重新打开 { $ticket }，正在继续处理。
customer-update = { $ticket } 的进展：{ $update }
storm-linked-customer = 其他客户也报告了与您的 { $ticket } 相同的问题，我们已将其作为一个事件（{ $incident }）以最高优先级处理。进展会在这里告诉您，修复后由您亲自确认 { $ticket }。
storm-update-linked = { $ticket }（事件 { $incident }）的进展：{ $update }

## 斜杠命令的说明（Discord 显示）：cmd-<命令>[-<子命令>] 是命令说明，每个属性是一个选项的说明。

cmd-assign = 将工单指派给工程师
    .user = 负责该工单的工程师
    .ticket = 工单编号，如 T-12；默认为此会话的工单
cmd-claim = 自己接手工单
    .ticket = 工单编号，如 T-12；默认为此会话的工单
    .reason = 接手他人工单的原因（会通知对方）
cmd-classify = 设置工单的领域、类型和严重程度
    .ticket = 工单编号，如 T-12；默认为此会话的工单
    .domain = 产品领域
    .kind = 请求的类型
    .severity = 严重程度
    .reason = 原因，记入时间线
    .reroute = 更换领域时，即使处理人是手动指定的，也转到新领域的队列
cmd-close = 关闭工单（客户：仅限自己的工单，需确认一次）
    .ticket = 工单编号，如 T-12；默认为此会话的工单
    .reason = 关闭原因，记入时间线；`spam` 表示作为垃圾信息关闭，不通知发送者
cmd-dashboard = 获取经理驾驶舱的私人登录链接（仅可使用一次，10 分钟内有效）
cmd-escalate = 将工单升级到更高一级支持，或升级为 S 级（由领域负责人确认）
    .reason = 需要升级的原因
    .ticket = 工单编号，如 T-12；默认为此会话的工单
    .to = 目标级别（默认为下一级），或 S 表示 S 级
cmd-help = 列出您可用的命令，或解释某个命令
    .command = 要解释的命令，如 classify 或 kb search
cmd-invite = 邀请某人进入 S 级工单的作战室
    .user = 要邀请的人
    .ticket = 工单编号，如 T-12；默认为此作战室的工单
cmd-kb = 搜索知识库，或用已解决的工单充实知识库
cmd-kb-search = 搜索文章（工作人员还可搜索已解决的工单）
    .query = 要查找的内容，中英文均可
cmd-kb-add = 根据已解决工单的问题和解决方案起草文章
    .ticket = 已解决的工单编号，如 T-12；默认为此会话的工单
cmd-kb-publish = 发布文章草稿：立即可被搜索
    .article = 草稿的文章编号，即 /kb add 输出的编号
    .problem = 用您的话为读者描述问题；草稿中保留的是客户的原话
    .ticket = 草稿所依据的工单，可代替文章编号
cmd-link = 将工单关联到另一个工单；duplicate 表示合并到另一个工单
    .to = 另一个工单的编号，如 T-12
    .ticket = 工单编号，如 T-12；默认为此会话的工单
    .relation = related（默认）或 duplicate（将此工单作为已合并关闭）
cmd-move = 将客户的消息移到它所涉及的工单
    .message = 消息编号，见工作人员通知和工单详情
    .to = 消息所涉及的工单编号，如 T-12
cmd-note = 添加内部备注；客户永远看不到
    .text = 备注内容
    .ticket = 工单编号，如 T-12；默认为此会话的工单
cmd-queue = 列出未关闭的工单，每页十个，附下一个 SLA 截止时间
    .view = mine（您的，默认）、all 或 at-risk（一小时内到期或预警）
    .domain = 只看此领域的工单
    .q = 标题、消息或客户中的词语
    .page = 第几页（每页十个，从 1 开始）
cmd-reopen = 重新打开已解决或已关闭的工单
    .ticket = 工单编号，如 T-12；默认为此会话的工单
    .reason = 重新打开的原因
cmd-reply = 在工单的会话中回复客户（/note 仅内部可见）
    .text = 客户看到的内容
    .ticket = 工单编号，如 T-12；默认为此会话的工单
cmd-report = 提交 S 级工单的事故报告；工单关闭后归档其作战室
    .problem = 发生了什么（客户看到的情况）
    .root_cause = 发生的原因
    .containment = 如何阻止了问题扩散
    .corrective = 如何修复
    .preventive = 如何防止再次发生
    .ticket = 工单编号，如 T-12；默认为此作战室的工单
cmd-resolve = 将工单标记为已解决，并请客户确认
    .resolution = 解决方法，用客户能理解的话说明
    .ticket = 工单编号，如 T-12；默认为此会话的工单
cmd-severity = 更改工单的严重程度
    .level = 新的严重程度
    .ticket = 工单编号，如 T-12；默认为此会话的工单
    .reason = 原因，记入时间线
cmd-sla = 显示工单的 SLA 和 OLA 计时：已用、剩余、暂停、超时
    .ticket = 工单编号，如 T-12；默认为此会话的工单
cmd-stats = 驾驶舱的四项指标（按天统计，运营时区）
    .range = today、7d、30d（最近 N 天，含今天）或 YYYY-MM-DD..YYYY-MM-DD；默认 7d
    .domain = 只看此领域的工单
cmd-status = 显示工单状态
    .ticket = 工单编号，如 T-12；默认为此会话的工单
cmd-ticket = 代客户创建工单
    .customer = 工单所属的客户
    .text = 客户报告的内容
cmd-timeline = 在 S 级事故的时间线上添加一条记录
    .text = 发生的事情，记入事故时间线
    .ticket = 工单编号，如 T-12；默认为此作战室的工单
cmd-unassign = 取消工单的处理人
    .ticket = 工单编号，如 T-12；默认为此会话的工单
cmd-update = 向客户发送 S 级事故的进展通报
    .text = 客户看到的进展通报
    .ticket = 工单编号，如 T-12；默认为此作战室的工单
cmd-wait = 将工单标记为等待客户答复
    .ticket = 工单编号，如 T-12；默认为此会话的工单
    .reason = 我们在等待什么

## 用法错误

usage-no-command = 没有 /{ $command } 命令；/help 列出所有命令
usage-needs-subcommand = /{ $command } 需要子命令：{ $names }
usage-not-an-option = `{ $word }` 不是选项：请写成 名称:值，含空格的值请加引号（text:"像这样"）
usage-no-subcommand = /{ $command } 没有子命令 `{ $sub }`；请使用 { $names } 之一
usage-no-option = /{ $command } 没有选项 `{ $option }`；{ $count ->
    [0] 它不接受任何选项
   *[other] 它的选项有 { $known }
}
usage-twice = /{ $command } 的 `{ $option }` 给了两次
usage-empty = /{ $command } 中的 `{ $option }` 是空的
usage-needs = /{ $command } 需要 { $option }:…（{ $description }）
usage-not-a-number = /{ $command } 中 { $option } 的值 `{ $value }` 不是整数
usage-not-a-user = /{ $command } 中 { $option } 的值 `{ $value }` 不是用户 ID
usage-not-a-choice = /{ $command } 中 { $option } 的值 `{ $value }` 不是可选项；请从 { $choices } 中选择

## 对工作人员命令的回复

classify-not-s = S 级需要领域负责人确认：请使用 /escalate to:S reason:…
classify-done = { $ticket } 已分类：{ $summary }
classify-kept = ；仍由 { $owner } 处理（手动指派；reroute:true 可转到新领域的队列）
classify-rerouted = ；现由新领域队列中的 { $next } 处理
assign-not-engineer = `{ $user }` 不是工程师；工单只能指派给工程师
assign-done = { $ticket } 已指派给 { $user }
assign-from = （原处理人 { $previous } 已收到通知）
assign-tier = ；工单随之转到 { $tier }
escalate-done = { $ticket } 已升级到 { $to }，现由 { $owner } 处理
resolve-done = { $ticket } 已解决；已请客户确认
note-done = 已为 { $ticket } 添加备注（仅工作人员可见）
say-what-to-tell = 请在 text:… 中写明要告诉客户的内容
reply-done = 已发送给 { $customer }（{ $ticket }）
severity-done = { $ticket } 现在是 { $level }
wait-done = { $ticket } 正在等待客户答复
close-spam = { $ticket } 已作为垃圾信息关闭
close-done = { $ticket } 已关闭
reopen-done = { $ticket } 已重新打开
ticket-say-what = 请在 text:… 中写明客户报告的内容
ticket-done = 已为 { $customer } 创建 { $ticket }：{ $summary }
timeline-say-what = 请在 text:… 中写明发生了什么
timeline-done = 已记入 { $ticket } 的事故时间线：{ $entry }
update-done = 已向 { $customer } 发送 { $ticket } 的进展
invite-not-staff = `{ $user }` 不是工作人员；作战室仅限工作人员
invite-already = { $user } 已在 { $ticket } 的作战室中
invite-done = { $user } 已进入 { $ticket } 的作战室
dashboard-not-served = 此处未提供驾驶舱（web.listen 为空，或其地址被占用）
dashboard-link = 您的驾驶舱登录链接（仅可使用一次，{ $minutes } 分钟内有效；请勿分享）：
    { $link }

## 发给单个工作人员的通知

notice-moved-to-queue = { $actor } 将 { $ticket } 移到了您的队列：{ $title }
notice-given-to-you = { $actor } 将 { $ticket } 交给了您：{ $title }
notice-given-away = { $actor } 将 { $ticket } 交给了 { $user }；您不再负责此工单。

## 工作人员共享的消息（工单讨论串、作战室、运营频道）

staff-closed-own = { $actor } 自行关闭了 { $ticket }。
staff-confirmed = { $actor } 确认 { $ticket } 已修复；工单已关闭。
staff-needs-help = { $actor } 看过推荐的文章，{ $ticket } 仍需要帮助。
staff-not-fixed = { $actor } 表示 { $ticket } 未修复；工单已重新打开，由 { $owner } 处理。
staff-rated = { $actor } 给 { $ticket } 打了 { $score }/5 分。
staff-self-served = { $actor } 表示文章 { $article } 解决了 { $ticket }；工单作为自助解决关闭。
staff-s-declined = { $actor } 拒绝将 { $ticket } 升级为 S 级：{ $reason }。仍为 { $stays }。
staff-s-confirmed = { $actor } 确认 { $ticket } 为 S 级；作战室 { $room } 已开启，成员：{ $roster }。
room-welcome = { $ticket }“{ $title }”的作战室，S 级由 { $actor } 确认。负责人：{ $leader }。
    用 /timeline 记录进展（置顶消息也会记入），用 /update 通知客户，用 /invite 邀请他人；关闭工单时需要提交事故报告。
none-named = 未指定
unrated = 未定级
s-declined = 已拒绝；{ $ticket } 仍为 { $stays }
s-confirmed = { $ticket } 已是 S 级；作战室 { $room } 已开启
s-decline-button = 拒绝，并说明原因
s-decline-title = 拒绝将 { $ticket } 升级为 S 级
s-decline-why = 为什么不是 S 级？
s-decline-say-why = 请说明为什么不是 S 级：点击按钮并写下原因。
escalate-needs-domain = 请先为 { $ticket } 指定领域：每一级的队列都属于某个领域
claim-refused = { $ticket } 由 { $owner } 处理；对方可以 /unassign，或由经理 /assign 给您
claim-say-why = { $ticket } 由 { $owner } 处理；要接手请说明原因：/claim ticket:{ $ticket } reason:…
claim-done = { $actor } 接手了 { $ticket }
claim-from = （从 { $owner } 处接手：{ $why }；已通知 { $owner }）
notice-taken-from-you = { $actor } 从您这里接手了 { $ticket }：{ $why }
outside-queue-refused = { $user } 不在 { $domain } 的任何队列中，因此 { $ticket } 不能转给对方（assignment.outside_queue = "refuse"）
staff-tier-followed = { $ticket } 已从 { $from } 转到 { $to }，现由 { $user } 处理。
staff-new-ticket = 新工单 { $ticket }，来自 { $customer }（{ $labels }），指派给 { $owner }：
    { $quote }
claim-button = 接手
staff-wrote = { $actor } 在 { $ticket } 留言{ $how }：
    { $quote }
staff-resumed = 工单不再等待客户答复。
staff-reopened-by-writing = 工单原已解决，现已重新打开，由 { $owner } 处理。
staff-flooding = { $actor } 一分钟内在 { $ticket } 发送了超过 { $limit } 条消息；消息都已记录在工单中，不再逐条通知。
landed-replied = （回复此工单）
landed-most-recent = （其未关闭工单中最近活跃的一个，另有 { $others }；如果是关于其他工单：/move message:{ $message } to:T-n）
landed-merged = （来自 { $from }，已合并到此工单）

## S 级请求与作战室

s-no-owner = { $domain } 领域没有负责人来确认 S 级；请在 domains.toml 中指定负责人
s-no-second = 您是 { $domain } 领域的负责人，S 级需要另一位负责人或经理再次确认；people.toml 中没有
s-already-asked = { $ticket } 已在等待负责人确认 S 级（由 { $by } 提出）
s-ask-owner = { $actor } 请求将 { $ticket } 升级为 S 级：{ $reason }
    “{ $title }” · { $labels } · 客户 { $customer }。确认后将开启作战室。
s-confirm-button = 确认 S 级
s-decline-short-button = 拒绝
staff-s-asked = { $actor } 已请 { $asked } 确认 { $ticket } 的 S 级：{ $reason }
s-asked = 已请 { $asked } 确认 { $ticket } 的 S 级
s-no-domain = { $ticket } 没有领域，因此没有待处理的 S 级请求；请先分类
s-owners-only = 只有 { $domain } 领域的负责人（{ $who }）才能处理 { $ticket } 的 S 级请求
s-already = { $ticket } 已经是 S 级
s-nothing-waiting = { $ticket } 没有待确认的 S 级请求
s-second-confirmation = 您为 { $ticket } 申请了 S 级；需由 { $who } 确认（二次确认）
room-archived = { $ticket } 的作战室已归档
room-none = { $ticket } 没有作战室；{ $what } 用于 S 级事故（/escalate to:S）
room-assignee-joins = { $assignee } 现在负责 { $ticket }，已加入作战室。
room-file-report = { $ticket } 已关闭。提交事故报告即可归档此作战室：{ $usage }
report-button = 提交报告
room-reopened = { $ticket } 已重新打开，作战室也随之重新开启：由 { $actor } 重新打开。/timeline 和 /update 可以再次使用；关闭时需要提交新的事故报告。
room-archived-post = { $ticket } 的作战室已归档：事故已关闭，报告已提交。
room-remind-report = { $ticket } 已关闭，但尚未提交事故报告。{ $has_leader ->
    [yes] 请 { $leader } 提交报告
   *[no] 请提交报告
}以归档此作战室：{ $usage }
room-remind-silent = { $ticket } 的作战室已有 { $minutes } 分钟没有新消息。{ $has_leader ->
    [yes] 请 { $leader }
   *[no] 请
}用 /timeline 记录进展，并用 /update 通知客户。

## SLA 通知、/sla 与每日摘要

none = 无
clock-name = { $kind ->
    [response] 首次响应
    [resolution] 解决
   *[ola] { $tier } OLA
}
sla-warning = { $clock }计时已用去 { $percent }% 的时限；截止 { $due }。
sla-breach = { $clock }已超过截止时间（{ $due }）。
sla-while-paused = 暂停中
sla-ola-out-in-incident = { $tier } OLA 已用完；此事故由作战室推进，因此不会自动升级。
sla-ola-out = { $from } OLA 已用完：已升级到 { $to }，现由 { $owner } 处理。
sla-room-notice = { $ticket } 的 SLA：
    { $lines }
sla-notice = { $ticket } 的 SLA（{ $labels }）：
    { $lines }
sla-none = { $ticket } 还没有 SLA：请先为其指定领域和严重程度
sla-of = { $ticket } 的 SLA（{ $labels }）：
sla-none-while-paused = 暂停中，无截止时间
sla-stopped = 已停止
sla-paused = 已暂停
sla-breached = 已超时
sla-clock-line = { $clock }：截止 { $due }；已用 { $elapsed }，剩余 { $remaining }{ $flags }
digest = { $today } 每日摘要：{ $open } 个未关闭工单。
    已超时：{ $breached }
    今日到期：{ $due_today }

## 关联、合并、移动消息、知识库、报告、取消指派

link-closed = { $to } 已关闭；请合并到未关闭的工单，或先 /reopen { $to }
link-circle = { $to } 已合并到 { $ticket }；再合并回去会形成循环
link-already = { $ticket } 已关联到 { $to }
link-done = { $ticket } 已关联到 { $to }
link-merged = { $ticket } 已合并到 { $to }
customer-merged = { $ticket } 与 { $to } 是同一个问题；我们将在那里跟进，进展会在这里通知您。
staff-merged = { $actor } 将 { $ticket } 合并到 { $to }：其客户 { $customer } 现在会收到 { $to } 客户收到的消息，其留言也会记入此工单。
move-no-message = 工单中没有消息 { $message }
move-already = 消息 { $message } 已在 { $to } 中
move-closed = { $to } 已关闭；请先 /reopen，或将消息移到别处
move-other-customer = 消息 { $message } 来自 { $author }，而 { $to } 是 { $customer } 的工单；消息只能在同一客户的工单之间移动
staff-message-moved = { $actor } 将 { $author } 的消息 { $message } 从 { $from } 移到这里：
    { $quote }
move-done = 消息 { $message } 已从 { $from } 移到 { $to }
kb-nothing = 知识库中没有与“{ $query }”匹配的内容
kb-hit-article = { $number }. { $title }（kb:{ $id }）
kb-hit-ticket = { $number }. { $title }（来自工单 { $id }）
kb-found = 知识库，“{ $query }”：
    { $lines }
report-already = { $ticket } 的事故报告已经提交
report-body = { $ticket } 的事故报告，由 { $actor } 提交：
    { $lines }
report-timeline = 时间线：
    { $entries }
report-archived = 作战室已归档
report-archived-later = 工单关闭时作战室将归档
report-done = 已提交 { $ticket } 的事故报告；{ $archived }
unassign-next = 现由队列中的下一位 { $next } 处理
unassign-nobody = 现在无人处理：队列中没有其他人
unassign-done = { $previous } 不再负责 { $ticket }；{ $now_with }
notice-yours-now = { $ticket } 现在由您负责（从 { $previous } 退回队列）：{ $title }
notice-taken-off-you = { $actor } 取消了您对 { $ticket } 的指派；{ $now_with }。
staff-unassigned = { $actor } 将 { $ticket } 从 { $previous } 退回队列；{ $now_with }。
staff-escalated = { $actor } 将 { $ticket } 从 { $from } 升级到 { $to }：{ $reason }。现由 { $owner } 处理。
staff-auto-confirmed = { $ticket } 已作为自动确认关闭：客户在 { $wait } 内未回复解决确认卡片。
reply-closed = { $ticket } 已关闭；请先 /reopen 再给客户留言
room-let-in = { $actor } 邀请 { $user } 进入了 { $ticket } 的作战室。
kb-add-unresolved = { $ticket } 的状态是 { $status }；请先解决再起草文章
kb-add-needs-domain = 请先为 { $ticket } 指定领域：每篇文章都属于一个领域
kb-add-no-resolution = { $ticket } 没有可用于起草文章的解决方案
kb-drafted = 已根据 { $ticket } 起草 { $article }：
    { $markdown }
    用 /kb publish article:{ $article } 发布
staff-status = { $ticket }“{ $title }”：{ $status }{ $reason } · { $labels } · { $tier } · 处理人 { $owner } · 创建于 { $opened } · 最后更新 { $changed }
card-due-met = 已达成（已解决）
incident-card = 事故 { $ticket } · { $labels } · { $tier }
    “{ $title }”
    客户：{ $customer }
    影响：{ $impact }
    状态：{ $status }，处理人 { $owner }
    解决截止：{ $due }
    负责人：{ $leader }
    成员：{ $roster }

## /help

help-list = 您可以使用的命令（/help 命令名 可查看说明）：
    { $lines }
help-none = 没有您可以使用的 /{ $command }；/help 列出所有命令
help-kind-ticket = 工单编号，如 T-12
help-kind-person = 人员
help-kind-number = 数字
help-kind-text = 文字
help-kind-choice = { $choices } 之一
help-required = 必填
help-optional = 可选
help-option = {"  "}{ $name }：{ $description }（{ $kind }，{ $need }）
help-example = 示例：{ $example }

## /queue

queue-mine = 您的未关闭工单
queue-all = 未关闭工单
queue-at-risk = 一小时内到期或预警的未关闭工单
queue-empty = { $what }：无。
queue-no-page = { $what }：没有第 { $page } 页。
queue-page = { $what }（第 { $page } 页）：
queue-no-sla = 尚无 SLA
queue-more = 更多：/queue page:{ $page }
queue-breached = { $clock }已超时
queue-due = { $clock }截止 { $due }
queue-paused = 计时已暂停
clock-name-lower = { $kind ->
    [response] 首次响应
    [resolution] 解决
   *[ola] { $tier } OLA
}

## /stats（图表中没有文字：ISO 日期、+ 和 ✓，由 stats-chart-key 说明）

stats-heading = 指标 { $from } 至 { $to }（{ $zone }{ $scope }）
stats-scope = ，领域 { $domain }
stats-inflow = 1. 工单流入：新建 { $created }，关闭 { $closed }
stats-day = {"  "}{ $day }：期初未关闭 { $open }，新建 +{ $created }，关闭 { $closed }，关闭率 { $rate }
stats-by-kind = 2. 按类型：
stats-by-domain = 3. 按领域：
stats-nothing = {"  "}此范围内没有数据
stats-group = {"  "}{ $name }：{ $handling }
stats-domain = {"  "}{ $name }：{ $handling }；当前未关闭 { $open }，超时 { $breached }
stats-no-domain = 无领域
stats-handling = 新建 { $tickets }，已解决 { $resolved }
stats-handling-times = ，中位数 { $median } / p90 { $p90 }（工作时间 { $median_business } / { $p90_business }），按时率 { $on_time }
stats-cards = 4. 解决确认卡片：已发送 { $cards }
stats-cards-detail = ：确认 { $confirmed }，自动确认 { $auto_confirmed }，重新打开 { $reopened }，等待中 { $pending }，其他方式关闭 { $otherwise }；解决→关闭 中位数 { $median } / p90 { $p90 }；回复率 { $answered }
stats-scores = {"  "}评分：平均 { $mean }，共 { $rated } 个（1：{ $s1 }，2：{ $s2 }，3：{ $s3 }，4：{ $s4 }，5：{ $s5 }）
stats-no-scores = {"  "}评分：暂无

## 事故报告表单

report-form-title = { $ticket } 的事故报告
report-field =
    .problem = 问题：发生了什么
    .root_cause = 根本原因
    .containment = 遏制：如何阻止了扩散
    .corrective = 纠正措施
    .preventive = 预防措施

## Sales hand-off (inquiries to sales: [handoff.sales] and POST /api/v1/tickets/T-n/handoff)

handoff-sales-customer = 谢谢！您的问题（{ $ticket }）涉及价格或购买，我们已转交销售团队，他们会尽快与您联系。
handoff-sales-staff = { $ticket } 是商务咨询：已转交销售，等待其答复（SLA 计时已暂停）。
classify-handed-to-sales = ；已转交销售，等待其答复
handoff-answered-customer = { $outcome ->
        [won] 销售团队已处理您的咨询 { $ticket }，感谢您的订购！此工单现已关闭。
        [lost] 销售团队已答复您的咨询 { $ticket }，感谢您的关注；此工单现已关闭。
       *[other] 销售团队已答复您的咨询 { $ticket }。此工单现已关闭，如有需要欢迎随时再联系我们。
    }
handoff-answered-staff = 销售已答复 { $ticket }：{ $outcome }（{ $note }）。工单已关闭。
## 客户之声（VOC）：客户建议归并为条目 V-n，由产品经理决定

cmd-voc = 客户之声：客户建议归并为条目，由产品经理决定
cmd-voc-list = 客户之声条目，按时间先后列出，并显示提出的客户数
    .status = 只看此状态的条目
cmd-voc-show = 查看一个客户之声条目及其建议和客户
    .item = 条目编号，如 V-3
cmd-voc-link = 把工单的建议归入某个条目（如已在其他条目中则移过来）
    .item = 条目编号，如 V-3
    .ticket = 建议所在的工单，如 T-12
cmd-voc-accept = 采纳一个待处理条目：交给研发
    .item = 条目编号，如 V-3
cmd-voc-reject = 拒绝一个待处理条目；提出建议的每位客户都会收到原因
    .item = 条目编号，如 V-3
    .reason = 原因，客户会看到这段文字
cmd-voc-ship = 将已采纳的条目标记为已发布；通知每位提出建议的客户并征求反馈
    .item = 条目编号，如 V-3
    .note = 发布了什么、在哪里可用，客户会看到这段文字
voc-status = { $status ->
    [open] 待处理
    [accepted] 已采纳
    [rejected] 已拒绝
   *[shipped] 已发布
}
voc-no-domain = 无领域
voc-error-bad-ref = `{ $text }` 不是客户之声条目编号；请写成 V-3 的形式
voc-error-already = { $item } 已经{ $status ->
    [open] 是待处理状态
    [accepted] 被采纳
    [rejected] 被拒绝
   *[shipped] 发布
}
voc-error-step = { $item } 当前{ $status ->
    [open] 待处理
    [accepted] 已采纳
    [rejected] 已拒绝
   *[shipped] 已发布
}：{ $step ->
    [accept] 只有待处理的条目才能采纳
    [reject] 只有待处理的条目才能拒绝
   *[ship] 只有已采纳的条目才能标记为已发布
}
voc-error-link-closed = { $item } { $status ->
    [open] 待处理
    [accepted] 已采纳
    [rejected] 已拒绝
   *[shipped] 已发布
}；只能把建议归入待处理或已采纳的条目
voc-no-such-item = 没有客户之声条目 { $item }
voc-link-already = { $ticket } 已经属于 { $item }
voc-needs-text = { $step ->
    [reject] 拒绝需要填写 reason:…，客户会看到
   *[ship] 标记发布需要填写 note:…，客户会看到
}
voc-changed-meanwhile = { $item } 刚刚已被更改；请用 /voc show item:{ $item } 重新查看
voc-linked = { $ticket } 现已归入 { $item }（共 { $customers } 位客户提出）。
voc-linked-moved = 此前它属于 { $from }。
voc-accepted = { $item } 已采纳并交给研发（共 { $customers } 位客户提出）。
voc-rejected = { $item } 已拒绝；已将原因告知 { $told } 位客户。
voc-shipped = { $item } 已发布；已通知 { $told } 位客户并征求反馈。
voc-staff-opened = { $ticket } 是一条建议：已新建客户之声条目 { $item }（/voc show item:{ $item }）。
voc-staff-joined = { $ticket } 是一条与 { $item }“{ $title }”相似的建议，现已归入该条目（共 { $customers } 位客户提出）。
voc-rejected-customer = 感谢您在 { $ticket }（“{ $title }”）中提出的建议。产品团队已认真评估，目前暂不采纳，原因是：{ $text }
    非常感谢您抽出时间告诉我们，每一条建议我们都会认真阅读。
voc-shipped-customer = 好消息：您在 { $ticket }（“{ $title }”）中提出的建议已经上线。{ $text }
    效果是否符合您的期待？欢迎直接在这里回复告诉我们您的想法，您的反馈会直接转给我们的团队。
voc-issue-title = { $item }：{ $title }
voc-issue-body = 客户之声 { $item }：{ $title }
    领域：{ $domain }
    共有 { $customers } 位客户通过 { $tickets } 张工单提出：
    { $quotes }
voc-issue-quote = { $quote }
    —— { $ticket }
voc-issue-reason = 拒绝原因：{ $reason }
voc-issue-note = 发布说明：{ $note }
voc-list-heading = { $status ->
    [all] 客户之声条目：
   *[other] 客户之声条目（{ $status }）：
}
voc-list-empty = { $status ->
    [all] 还没有客户之声条目。
   *[other] 没有{ $status }的客户之声条目。
}
voc-list-line = { $item } [{ $status }]“{ $title }” · { $domain } · { $customers } 位客户 · { $tickets } 张工单
voc-list-more = …… 还有更多：resolvd voc list 可列出全部
voc-show = { $item }“{ $title }” · { $status } · { $domain } · 创建于 { $opened } · 最近更改 { $changed }
    { $count } 位客户提出：{ $customers }
voc-show-reason = 拒绝原因：{ $reason }
voc-show-note = 发布说明：{ $note }
voc-show-tracker = 跟踪链接：{ $url }
voc-show-suggestion = { $ticket } · { $customer }：
    { $quote }
## 经理的网页驾驶舱（src/web）：页面与图表。工具读取的值（data-* 属性、表单值、API）不在此处：
## 它们在各种语言中都相同。

web-when = { $day } { $time }
web-short-day = { $month }月{ $day }日
web-minutes = { $count } 分钟
web-hours = { $count } 小时
web-any = 全部
web-status = { $status ->
    [new] 新建
    [open] 处理中
    [waiting_customer] 等待客户
    [resolved] 已解决
   *[closed] 已关闭
}
web-status-filter = { $status ->
    [open] 未关闭（全部）
    [new] 新建
    [waiting_customer] 等待客户
    [resolved] 已解决
   *[closed] 已关闭
}
web-status-because = { $status }（{ $reason }）
web-kind = { $kind ->
    [fault] 故障
    [consult] 咨询
    [query] 查询
    [request] 需求
    [complaint] 投诉
    [suggestion] 建议
   *[inquiry] 商务询价
}
web-close-reason = { $reason ->
    [confirmed] 客户已确认
    [auto_confirmed] 自动确认
    [self_served] 自助解决
    [closed_by_staff] 由工作人员关闭
    [closed_by_customer] 由客户关闭
    [merged] 已合并
   *[spam] 垃圾信息
}
web-relation = { $relation ->
    [related] 相关
    [duplicate] 重复
   *[incident] 事故
}
web-indicators = 指标
web-queue = 工单队列
web-war-rooms = 作战室
web-ticket = 工单
web-sign-out = 退出登录
web-sign-in = 登录
web-your-id = 您的ID
web-sign-in-hint = 工作人员通过链接登录：在聊天中输入 { $command }，或请运维人员运行 { $cli }。每个链接只能使用一次，有效期 { $minutes } 分钟。
web-http-status = { $code ->
    [400] 无法理解的请求
    [401] 需要登录
    [403] 无权访问
    [404] 未找到
   *[other] 出现错误
}
web-denied-token = 令牌无效（已撤销或从未签发）
web-denied-sign-in = 请先登录：您的会话不存在或已过期
web-denied-staff = 只有工作人员可以使用驾驶舱
web-denied-link-token = 此地址需要登录链接中的令牌
web-denied-war-rooms = 作战室看板仅供经理、领域负责人和各负责人使用
web-denied-forbidden = 您的角色无权查看此页面
web-denied-internal = 我们这边出了问题，已记录
web-link-not-valid = 登录链接无效（已被修改，或来自另一套安装）
web-link-expired = 登录链接已过期（链接有效期为 { $minutes } 分钟）；请用 /dashboard 获取新链接
web-link-spent = 登录链接已被使用（每个链接只能用一次）；请用 /dashboard 获取新链接
web-link-not-staff = { $person } 不是工作人员：只有工作人员可以登录驾驶舱
web-bad-filter = 筛选条件无法使用：{ $problem }
web-indicators-heading = 指标：{ $from } 至 { $to }（{ $zone }）
web-filter-from = 起始
web-filter-to = 截止
web-filter-show = 查看
web-filter-at-risk = 即将超时
web-filter-search = 搜索
web-filter-search-hint = 标题、消息、客户
web-filter-apply = 筛选
web-inflow-heading = 1 · 每日流入与关闭率
web-created = 新建
web-closed = 关闭
web-open-at-start = 期初未关闭
web-close-rate = 关闭率
web-close-rate-range = 区间关闭率
web-per-day = 按日明细
web-chart-inflow = 每日新建与关闭的工单数及关闭率
web-kind-heading = 2 · 按类型
web-domain-heading = 3 · 按领域
web-chart-kind = 各类型处理时长（小时）
web-chart-domain = 各领域当前未关闭与超时工单
web-series-median-hours = 中位数（小时）
web-series-p90-hours = p90（小时）
web-confirmation-heading = 4 · 解决确认与满意度
web-cards = 确认卡片
web-confirmed = 客户确认
web-auto-confirmed = 自动确认
web-reopened = 重新打开
web-pending = 等待中
web-resolved-to-closed = 解决→关闭，中位数
web-mean-score = 平均评分
web-revisits-asked = 回访次数
web-revisits-working = 回访：仍正常
web-revisits-not-working = 回访：未解决（已重开）
web-response-rate = 回复率
web-chart-confirmation = 解决确认卡片的结果
web-chart-scores = 评分分布（1 至 5）
web-series-scores = 评分数
web-chart-nothing = 此范围内没有数据
web-col-day = 日期
web-col-kind = 类型
web-col-domain = 领域
web-col-severity = 严重程度
web-col-status = 状态
web-col-tier = 支持层级
web-col-assignee = 处理人
web-col-customer = 客户
web-col-created = 创建时间
web-col-ticket = 工单
web-col-title = 标题
web-col-tickets = 工单数
web-col-resolved = 已解决
web-col-median = 中位数
web-col-p90 = p90
web-col-median-business = 中位数（工作时间）
web-col-p90-business = p90（工作时间）
web-col-on-time = 按时率
web-col-open-now = 当前未关闭
web-col-breached-now = 当前超时
web-col-next-alarm = 下次 SLA 提醒（{ $zone }）
web-col-when = 时间（{ $zone }）
web-col-who = 人员
web-col-what = 内容
web-col-leader = 负责人
web-col-roster = 成员
web-col-opened = 开启时间（{ $zone }）
web-queue-empty = 没有符合条件的工单。
web-next-page = 下一页 →
web-response-due = 首次响应截止
web-resolution-due = 解决截止
web-ola-due = OLA 截止
web-breached = 已超时
web-room-line = 作战室 { $room }（{ $state }），负责人 { $leader }，成员 { $roster }
web-room-open = 进行中
web-room-archived = 已归档
web-timeline = 时间线
web-no-war-room = 当前没有进行中的作战室。
web-event-because = ：{ $reason }
web-event-now-with = （现由 { $person } 处理）
web-event-now-with-next = 现由 { $person } 处理
web-event-nobody-has-it = 暂无人处理
web-event-from = ，原处理人 { $person }
web-event-files = { $count ->
    [0] {""}
   *[other] （{ $count } 个文件）
}
web-event-created = 创建了工单，内容：{ $text }{ $files }
web-event-message = 留言：{ $text }{ $files }
web-event-part-domain = 领域 { $domain }
web-event-part-kind = 类型 { $kind }
web-event-part-severity = 严重程度 { $severity }
web-event-classified = 已分类：{ $parts }{ $now_with }{ $because }
web-event-assigned = 指派给 { $person }
web-event-assigned-routing = 指派给 { $person }（自动路由）
web-event-claimed = 由 { $person } 认领{ $from }{ $because }
web-event-unassigned = 取消了 { $person } 的指派；{ $next }
web-event-tier-changed = 从 { $from } 转到 { $to }：{ $reason }
web-event-escalated = 从 { $from } 升级到 { $to }{ $now_with }：{ $reason }
web-event-severity-changed = 严重程度 { $from } → { $to }{ $because }
web-event-note = 内部备注：{ $text }
web-event-share = ，已用 { $percent }%
web-event-due = ，截止 { $due }
web-event-sla-warning = SLA 预警：{ $clock }计时{ $share }{ $due }
web-event-sla-breach = SLA 超时：{ $clock }计时{ $due }
web-event-staff-reply = 回复：{ $text }
web-event-staff-reply-relayed = 回复（已转达）：{ $text }
web-event-waiting = 等待客户回复{ $because }
web-event-resumed = 客户已回复；工单继续处理
web-event-resolved = 已解决：{ $text }
web-event-by-article = ，由文章 { $article } 解决
web-event-closed = 已关闭（{ $reason }）{ $article }{ $because }
web-event-needs-help = 表示推荐的文章没有解决问题
web-event-article-drafted = 起草了文章 { $article }
web-event-article-published = 发布了文章 { $article }
web-event-reopened = 重新打开了工单{ $because }
web-event-linked = 关联到 { $ticket }（{ $relation }）
web-event-refused = 操作被拒绝 { $command }：{ $reason }
web-event-status-changed = 状态 { $from } → { $to }
web-event-s-requested = 申请升为 S 级：{ $reason }
web-event-s-declined = 拒绝升为 S 级：{ $reason }
web-event-war-room-opened = 开启了作战室 { $room }（负责人 { $leader }；{ $roster }）
web-event-room-invited = 邀请 { $person } 进入作战室
web-event-timeline-entry = 事故时间线：{ $text }
web-event-customer-update = 向客户通报进展：{ $text }
web-event-incident-reported = 提交了事故报告，根本原因：{ $root_cause }
web-event-room-archived = 归档了作战室
web-event-rated = 为解决结果评分 { $score }/5
web-event-confirmation-reminded = 提醒客户确认问题已解决
web-event-message-moved = 将消息 { $message } 从 { $from } 移到 { $to }：{ $text }
web-event-room-reopened = 重新开启了作战室
web-event-storm-proposed = 向 { $owners } 提议将 { $tickets } 合并为一个事故
web-event-storm-confirmed = 确认将 { $tickets } 作为一个事故处理
web-event-storm-declined = 拒绝将 { $tickets } 合并为一个事故{ $because }
## i18n-rest：此前仍为英文的部分（issue 15）：风暴、知识库的学习、/kb publish、/queue 与 /stats 的错误、
## /stats 图表的图例、工作人员通知中的引用与标签、控制台和 Discord 自身的用语

# 风暴：负责人的卡片和回复用其本人的语言，工单讨论串和作战室用 default_locale
storm-proposal-card = { $domain } 领域出现风暴：{ $minutes } 分钟内有 { $count } 张相似的新工单（{ $tickets }），例如“{ $title }”。
    确认后，{ $first } 将成为一个带作战室的 S 级事件，其余工单关联到它：这些工单的客户都会收到作战室的每条 /update，解决时每位客户都会收到自己的解决确认卡。
storm-confirm-button = 确认：合并为一个事件
storm-decline-button = 拒绝
storm-proposal-notice = { $tickets } 看起来是同一个问题（风暴）；已请{ $asked ->
        [1] 负责人
       *[other] 各位负责人
    } { $owners } 确认将它们合并为一个事件。
storm-joined-proposal = { $ticket } 与 { $first } 的风暴相似，该风暴正在等待负责人答复；确认后 { $ticket } 也会被关联。
storm-impact = 风暴：{ $count } 位客户报告了同一个 { $domain } 问题
storm-linked-staff = { $ticket } 已关联到事件 { $incident }（风暴）：其客户会收到作战室的 /update，解决 { $incident } 时客户会收到自己的解决确认卡。
storm-confirmed-room = { $incident } 是一场风暴：已有 { $count } 张工单关联到它（{ $tickets }）。在这里发送的 /update 也会送达这些客户，/resolve 会给每位客户发送自己的解决确认卡。
storm-joined-room = 来自 { $customer } 的 { $ticket } 是同一个问题：已关联到 { $incident }；您的 /update 也会送达该客户。
storm-confirmed-reply = { $incident } 已成为事件（S 级，作战室 { $room }）；已关联 { $count } 张工单
storm-declined-reply = 已拒绝：{ $tickets } 仍为各自独立的工单，不会再次被提议
storm-declined-notice = { $by } 拒绝了 { $tickets } 的风暴提议。它们仍为各自独立的工单。
storm-declined-because = { $by } 拒绝了 { $tickets } 的风暴提议：{ $reason }。它们仍为各自独立的工单。
storm-already-answered = { $first } 的风暴已由 { $by } { $status ->
        [confirmed] 确认
        [declined] 拒绝
       *[other] 答复
    }
storm-answered-meanwhile = { $first } 的风暴已同时由他人答复；未做任何更改
storm-none = { $ticket } 不属于任何风暴
storm-only-owners = 只有 { $domain } 领域的负责人（{ $owners }）可以答复 { $first } 的风暴
storm-nothing-open = { $first } 的风暴中所有工单均已关闭；没有可合并为事件的工单
storm-update-reached = ，并送达 { $count } 张关联工单的客户
storm-resolve-reached = ；{ $count } 张关联工单随之解决，每位客户都收到了自己的解决确认卡

# 知识库从工单中学习：/kb stats、/kb gaps、/kb cite、/kb edit、/kb publish
kb-stats-empty = { $articles } 篇文章都还没有被推荐、解决过工单或被引用。
kb-stats-header = 知识库文章的使用情况（解决、引用、推荐）：
kb-stats-line = { $rank }. { $id } { $title }{ $author }：解决 { $solved }，引用 { $cited }，推荐 { $offered }
kb-stats-title = “{ $title }”
kb-stats-gone = （已不在知识库中）
kb-stats-by = （作者：{ $author }）
kb-authors-header = 文章被使用的作者：
kb-author-line = - { $author }（{ $articles } 篇文章）：解决 { $solved }，引用 { $cited }，推荐 { $offered }
kb-stats-more = … 另有 { $more } 篇已计数；`resolvd kb stats` 会全部列出。
kb-stats-unused = 另有 { $unused } 篇文章尚未被使用。
kb-gaps-none = 没有缺口：在查看的 { $checked } 张已解决工单中，没有三张以上解决方案相似却缺少文章的工单。
kb-gaps-header = { $groups } 组相似的解决方案尚无文章覆盖：
kb-gap-line = { $rank }. { $count } 张工单（{ $tickets }）：“{ $resolution }”
    {"   "}{ $shortcut }
kb-no-article = 没有文章 `{ $id }`；可用 /kb search 查找
kb-cited = { $ticket } 引用了 { $article }“{ $title }”；/kb stats 会计入
kb-cited-before = { $article } 之前已在 { $ticket } 上被引用；每张工单只计一次
kb-no-draft = 没有草稿 `{ $id }`；可用 /kb add ticket:T-n 创建
kb-draft-published = `{ $id }` 已经发布；请改为编辑知识库文件夹中的文件
kb-edit-needs-draft = /kb edit 需要 draft:…（草稿编号，即 /kb add 输出的编号）
kb-edit-empty = text: 为空；请为读者撰写文章正文（Markdown）
kb-edit-title-empty = title: 为空；不填写即可保留草稿的标题
kb-edit-too-long = { $field }: 有 { $chars } 个字符；文章最多 { $max } 个字符
kb-edit-form-title = 编辑 { $id }
kb-edit-form-title-label = 标题（供读者阅读）
kb-edit-form-text-label = 文章正文（Markdown）
kb-edit-usage = 请写出草稿的新正文：/kb edit draft:{ $id } text:"…"（加上 title:"…" 可修改标题）
kb-edited = 已编辑 { $id }：
    { $markdown }
    用 /kb publish article:{ $id } 发布
kb-publish-edited-needs-title = `{ $id }` 已编辑，但标题仍是客户的原话，不会被发布；请为它起一个标题：/kb edit draft:{ $id } title:… text:…，或 /kb publish article:{ $id } problem:…
kb-publish-needs-article = /kb publish 需要 article:…（草稿编号，即 /kb add 输出的编号）
kb-publish-already = `{ $id }` 已经发布
kb-publish-no-resolution = { $ticket } 没有可用于发布文章的解决方案
kb-published = 已发布 { $id }：现在即可搜索
kb-publish-form-title = 发布 { $id }
kb-publish-form-problem = 问题描述（供读者阅读，不用客户原话）
kb-publish-usage = `{ $id }` 中的问题仍是客户的原话，不会被发布；请为读者描述问题：/kb publish article:{ $id } problem:…

# /stats：时间范围，以及图表的图例（图表中没有文字，只有日期、+ 和 ✓）
stats-bad-range = `{ $text }` 不是有效的范围；请使用 today、7d、30d（最多 { $max }d）或 YYYY-MM-DD..YYYY-MM-DD
stats-range-days = 范围为 1d 到 { $max }d，不能是 { $days }d
stats-range-backwards = 范围的开始晚于结束（{ $from } 晚于 { $to }）
stats-range-too-long = 范围最多 { $max } 天；{ $from }..{ $to } 超出了
stats-chart-key = 图表（如有显示）：每天的工单数，+ 为新建，✓ 为关闭。

# /queue 的选项
queue-bad-view = view:{ $view } 不是有效的视图；请使用 mine、all 或 at-risk
queue-bad-page = page:{ $page } 超出范围；页码从 1 开始

# 工作人员通知和回复中的片段
file-unknown-type = 未知类型
reply-staff-only = 只有工作人员可以回复客户
note-staff-only = 只有工作人员可以写备注

# 控制台在消息周围的用语（`bot → 对象: 内容`），使用读者的语言
console-only-you = { $user } (仅你可见)
console-answer-with = （回答方式：!press { $id } 答案）
console-to-staff = { $ticket } 的工作人员
console-to-person = { $user } (私信)
console-to-room = { $ticket } 的作战室
console-card = { $whom } ({ $card ->
        [incident] 事件
       *[other] { $card }
    }卡片，已置顶)
console-for = { $whom }，通知 { $mentions }
console-room-invite = [作战室：让 { $users } 进入]
console-room-archive = [作战室：已锁定并归档]
console-room-reopen = [作战室：重新向 { $users } 开放]

# Discord 自身的用语：讨论串名称、作战室主题，以及引擎未给出回复时对交互的回答
discord-thread-name = { $name } 的支持
discord-room-topic = { $ticket } 的作战室
discord-done = 已完成。
discord-repeated = 此操作已处理过；未做任何更改。
discord-failed = 发生内部错误；已记录日志

# 工单状态和关闭原因（句中使用）
status-name = { $status ->
        [new] 新建
        [open] 处理中
        [waiting_customer] 等待客户
        [resolved] 已解决
        [closed] 已关闭
       *[other] { $status }
    }
close-reason-name = { $reason ->
        [confirmed] 客户已确认
        [auto_confirmed] 自动确认
        [self_served] 自助解决
        [closed_by_staff] 工作人员关闭
        [closed_by_customer] 客户关闭
        [merged] 已合并
        [spam] 垃圾信息
       *[other] { $reason }
    }
## Customer registry (issue 14, point 1): the customer card and /customer

cmd-customer = 显示客户卡片：所属单位、服务等级、保修和最近五张工单
    .user = 客户；默认为此会话工单的客户
    .ticket = 要查看其客户的工单，如 T-12
customer-card = 客户 { $name }（{ $id }），{ $organisation } · 等级 { $tier } · 保修{ $warranty }{ $owner }
customer-card-no-organisation = 无所属单位
customer-card-owner = {" · "}客户经理 { $owner }
customer-card-warranty = { $state ->
    [active] 有效，至 { $until }
    [expired] 已过期（{ $until } 到期）
   *[unknown] 未知
}
customer-card-history = 最近 { $count } 张工单：
customer-card-ticket = {"  "}{ $ticket }“{ $title }”：{ $outcome }{ $score }
customer-card-score = ，评分 { $score }/5
customer-card-no-history = 此前没有工单。
customer-card-unknown = { $person } 不是已登记的客户（不在客户名册中）。
## 备件（/parts）与已关闭工单的回访

cmd-parts = 工单备件：预留、发货、退回
cmd-parts-request = 从库存中为工单预留备件
    .part = 备件在目录中的编号，如 SCR-6
    .qty = 数量，1 至 1000
    .ticket = 工单编号，如 T-12；默认为此会话的工单
cmd-parts-ship = 将工单已预留的备件标记为已发货（某一备件或全部）
    .part = 仅此备件；不填则发出该工单预留的全部备件
    .ticket = 工单编号，如 T-12；默认为此会话的工单
cmd-parts-return = 将工单的备件退回库存（先退预留的，再退已发货的）
    .part = 备件在目录中的编号，如 SCR-6
    .qty = 退回的数量
    .ticket = 工单编号，如 T-12；默认为此会话的工单
parts-bad-qty = qty:{ $qty } 超出范围；每次申请 1 至 { $max } 件
parts-closed = { $ticket } 已关闭；请先重新打开再申请备件
parts-unknown = 目录中没有备件 { $part }（resolvd parts list 可查看全部备件）
parts-short = { $name }（{ $part }）库存仅余 { $stock } 件，不足 { $qty } 件；未预留任何备件
parts-charged = { $cost }，由客户承担
parts-free = { $cost }，在保修期内，客户免费
parts-reserved = 已为 { $ticket } 预留 { $qty } 件 { $name }（{ $part }）：{ $paid }。库存剩余 { $stock } 件。
parts-none-reserved = { $ticket } 没有待发货的预留备件
parts-none-reserved-of = { $ticket } 没有预留待发货的 { $part }
parts-shipped = 已为 { $ticket } 发货：{ $parts }。
customer-parts-shipped = { $ticket } 的备件已发出：{ $parts }。
parts-not-held = { $ticket } 没有可退回的 { $part }（预留或已发货）
parts-return-too-many = { $ticket } 仅有 { $holds } 件 { $part }，少于 { $qty } 件；未退回任何备件
parts-returned = 已将 { $ticket } 的 { $qty } 件 { $name }（{ $part }）退回库存。
parts-reorder = { $name }（{ $part }）库存降至 { $stock } 件，低于补货线 { $level } 件（因 { $ticket } 的申请）。请及时补货。
revisit-ask = 我们前些天关闭了 { $ticket }（“{ $title }”）。现在一切正常吗？还有什么需要帮忙的吗？请点击按钮，或直接在这里留言。
revisit-yes-button = 是的，一切正常
revisit-no-button = 不，问题仍然存在
revisit-customer-only = 只有工单的客户本人可以回答回访
revisit-answered-before = { $ticket } 的回访已经回答过了（或尚未发出）
revisit-bad-button = 该按钮不是回访的答复
revisit-thanks = 谢谢，很高兴 { $ticket } 一切正常。
revisit-reopened = 很抱歉：{ $ticket } 已重新打开，工程师正在处理。
staff-revisit-not-working = { $actor } 在回访中表示 { $ticket } 仍有问题：已重新打开，由 { $owner } 负责。

# The daily digest's list when it names only the first references.
digest-and-more = { $list }，另有 { $more } 个
