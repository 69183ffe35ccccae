<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AppState</name>
    <message>
        <source>Not applied: {0}</source>
        <translation>未应用：{0}</translation>
    </message>
    <message>
        <source>inputs {name}</source>
        <translation>输入 {name}</translation>
    </message>
    <message>
        <source>Now analysing a generated network instead of {name}</source>
        <translation>现在分析生成的网络，不再分析 {name}</translation>
    </message>
    <message>
        <source>network {name}</source>
        <translation>网络 {name}</translation>
    </message>
    <message>
        <source>Now analysing generated inputs instead of {name}</source>
        <translation>现在分析生成的输入，不再分析 {name}</translation>
    </message>
    <message>
        <source>Now analysing generated weights instead of the {label}</source>
        <translation>现在分析生成的权重，不再分析{label}</translation>
    </message>
</context>
<context>
    <name>BpttPanel</name>
    <message>
        <source>‖∂L/∂hₜ‖ per step</source>
        <translation>各时间步的 ‖∂L/∂hₜ‖</translation>
    </message>
    <message>
        <source>step t</source>
        <translation>时间步 t</translation>
    </message>
    <message>
        <source>log₁₀ norm</source>
        <translation>log₁₀ 范数</translation>
    </message>
    <message>
        <source>log₁₀</source>
        <translation>log₁₀</translation>
    </message>
    <message>
        <source>‖∂L/∂hₜ‖</source>
        <translation>‖∂L/∂hₜ‖</translation>
    </message>
    <message>
        <source>loss steps</source>
        <translation>损失所在步</translation>
    </message>
    <message>
        <source>truncation window</source>
        <translation>截断窗口</translation>
    </message>
    <message>
        <source>Itemized ‖∂L&lt;sub&gt;τ&lt;/sub&gt;/∂hₜ‖</source>
        <translation>逐项 ‖∂L&lt;sub&gt;τ&lt;/sub&gt;/∂hₜ‖</translation>
    </message>
    <message>
        <source>state step t</source>
        <translation>状态时间步 t</translation>
    </message>
    <message>
        <source>loss step τ</source>
        <translation>损失时间步 τ</translation>
    </message>
    <message>
        <source>‖∂L/∂hₜ‖ per step (full BPTT)</source>
        <translation>各时间步的 ‖∂L/∂hₜ‖（完整随时间反向传播）</translation>
    </message>
    <message>
        <source>‖∂L/∂hₜ‖ per step (truncated at k = {0})</source>
        <translation>各时间步的 ‖∂L/∂hₜ‖（截断于 k = {0}）</translation>
    </message>
    <message>
        <source>All gradients are exactly 0: nothing to show on a log scale</source>
        <translation>所有梯度都恰好为 0：对数坐标上无可显示的内容</translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message>
        <source>Pin current configuration</source>
        <translation>固定当前配置</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Open in explorer</source>
        <translation>在探索器中打开</translation>
    </message>
    <message>
        <source>Pin up to {0} configurations to compare them.</source>
        <translation>最多可固定 {0} 个配置进行比较。</translation>
    </message>
    <message>
        <source>At most {0} pins; remove one first.</source>
        <translation>最多 {0} 个固定项；请先移除一个。</translation>
    </message>
    <message>
        <source>Pins not restored: {0}</source>
        <translation>未能恢复固定项：{0}</translation>
    </message>
    <message>
        <source>Computing {0} pin(s)…</source>
        <translation>正在计算 {0} 个固定项…</translation>
    </message>
    <message>
        <source>{0} of {1} pin(s) computed.</source>
        <translation>已计算 {0}/{1} 个固定项。</translation>
    </message>
    <message>
        <source>Compare failed: {0}</source>
        <translation>比较失败：{0}</translation>
    </message>
</context>
<context>
    <name>ComparePlots</name>
    <message>
        <source>Gradient decay from t₀</source>
        <translation>自 t₀ 起的梯度衰减</translation>
    </message>
    <message>
        <source>distance k</source>
        <translation>距离 k</translation>
    </message>
    <message>
        <source>log₁₀ ‖∂s(t₀+k)/∂s(t₀)‖₂</source>
        <translation>log₁₀ ‖∂s(t₀+k)/∂s(t₀)‖₂</translation>
    </message>
    <message>
        <source>log₁₀ norm</source>
        <translation>log₁₀ 范数</translation>
    </message>
    <message>
        <source>Gate means</source>
        <translation>门的均值</translation>
    </message>
    <message>
        <source>gate</source>
        <translation>门</translation>
    </message>
    <message>
        <source>mean over units, steps</source>
        <translation>对单元与时间步取平均</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>Eigenvalues of W&lt;sub&gt;hh&lt;/sub&gt;</source>
        <translation>W&lt;sub&gt;hh&lt;/sub&gt; 的特征值</translation>
    </message>
    <message>
        <source>Re λ</source>
        <translation>Re λ</translation>
    </message>
    <message>
        <source>Im λ</source>
        <translation>Im λ</translation>
    </message>
    <message>
        <source>Computing the pinned configurations …</source>
        <translation>正在计算固定的配置 …</translation>
    </message>
    <message>
        <source>Pin the explorer&apos;s configuration (Pin current configuration) to compare its gradient decay, gate means and eigenvalues here.</source>
        <translation>固定探索器的配置（“固定当前配置”），在这里比较它们的梯度衰减、门的均值和特征值。</translation>
    </message>
</context>
<context>
    <name>ComputeController</name>
    <message>
        <source>Not computed: {0}</source>
        <translation>未计算：{0}</translation>
    </message>
    <message>
        <source>Gradient check is not available in this build.</source>
        <translation>此版本不提供梯度检验。</translation>
    </message>
    <message>
        <source>Gradient check failed: {0}</source>
        <translation>梯度检验失败：{0}</translation>
    </message>
    <message>
        <source>Computation failed: {0}</source>
        <translation>计算失败：{0}</translation>
    </message>
</context>
<context>
    <name>ConfigError</name>
    <message>
        <source>{flag} {given} is a folder, not a file</source>
        <translation>{flag} {given} 是文件夹，不是文件</translation>
    </message>
    <message>
        <source>{flag} {given}: folder {parent} does not exist</source>
        <translation>{flag} {given}：文件夹 {parent} 不存在</translation>
    </message>
    <message>
        <source>{flag} {given} exists and is not a directory</source>
        <translation>{flag} {given} 已存在，且不是目录</translation>
    </message>
    <message>
        <source>{flag} {given}: {existing} is not a folder</source>
        <translation>{flag} {given}：{existing} 不是文件夹</translation>
    </message>
    <message>
        <source>{where} holds Python objects; rnnviz never loads those (no pickles)</source>
        <translation>{where} 含有 Python 对象；rnnviz 从不加载这类对象（不读取序列化对象）</translation>
    </message>
    <message>
        <source>{where}: the header claims shape {value2} {dtype} ({value6}) but the file holds only {value8} of data</source>
        <translation>{where}：文件头声称形状为 {value2}、类型为 {dtype}（{value6}），但文件只有 {value8} 的数据</translation>
    </message>
    <message>
        <source>{where} is truncated</source>
        <translation>{where} 不完整（被截断）</translation>
    </message>
    <message>
        <source>{what} file not found: {path}</source>
        <translation>找不到{what}文件：{path}</translation>
    </message>
    <message>
        <source>{what} file {path} is not a regular file</source>
        <translation>{what}文件 {path} 不是普通文件</translation>
    </message>
    <message>
        <source>{what} file {path} holds a single array (.npy), not an .npz of named arrays</source>
        <translation>{what}文件 {path} 只含一个数组（.npy），而不是含具名数组的 .npz</translation>
    </message>
    <message>
        <source>{what} file {path} is not a valid .npz (not a zip archive)</source>
        <translation>{what}文件 {path} 不是有效的 .npz（不是 zip 压缩包）</translation>
    </message>
    <message>
        <source>{flag} {given}: cannot write {target} ({value6})</source>
        <translation>{flag} {given}：无法写入 {target}（{value6}）</translation>
    </message>
    <message>
        <source>{flag} {given}: cannot write into {existing} ({value6})</source>
        <translation>{flag} {given}：无法写入 {existing}（{value6}）</translation>
    </message>
    <message>
        <source>{where}: not a valid .npy array header ({value2})</source>
        <translation>{where}：不是有效的 .npy 数组文件头（{value2}）</translation>
    </message>
    <message>
        <source>cannot read {what} file {path}: {value5}</source>
        <translation>无法读取{what}文件 {path}：{value5}</translation>
    </message>
    <message>
        <source>{what} file {path} is not a valid .npz: corrupt or truncated ({value4})</source>
        <translation>{what}文件 {path} 不是有效的 .npz：已损坏或被截断（{value4}）</translation>
    </message>
    <message>
        <source>{where} is not valid JSON ({msg} at line {lineno})</source>
        <translation>{where} 不是有效的 JSON（第 {lineno} 行：{msg}）</translation>
    </message>
    <message>
        <source>{where} is nested too deeply to be a valid file</source>
        <translation>{where} 嵌套过深，不是有效的文件</translation>
    </message>
    <message>
        <source>{where}: unsupported .npy format version {version}</source>
        <translation>{where}：不支持的 .npy 格式版本 {version}</translation>
    </message>
    <message>
        <source>{what} file {path} is an .npz archive; give one array as .npy</source>
        <translation>{what}文件 {path} 是 .npz 压缩包；请给出一个 .npy 数组</translation>
    </message>
    <message>
        <source>{what} file {path} is not a valid .npy array</source>
        <translation>{what}文件 {path} 不是有效的 .npy 数组</translation>
    </message>
    <message>
        <source>unknown init scheme {init!r}; choose one of {choices}</source>
        <translation>未知的初始化方案 {init!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>unknown input signal {input_signal!r}; choose one of {choices}</source>
        <translation>未知的输入信号 {input_signal!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>input_text must be text</source>
        <translation>input_text 必须是文本</translation>
    </message>
    <message>
        <source>input signal &apos;text&apos; needs some text</source>
        <translation>输入信号“文本”需要一段文本</translation>
    </message>
    <message>
        <source>unknown loss placement {loss_placement!r}; choose one of {choices}</source>
        <translation>未知的损失位置 {loss_placement!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>unknown auxiliary input pattern {aux_pattern!r}; choose one of {choices}</source>
        <translation>未知的辅助输入模式 {aux_pattern!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>dtype must be float64 or float32, got {dtype!r}</source>
        <translation>数据类型必须是 float64 或 float32，实际为 {dtype!r}</translation>
    </message>
    <message>
        <source>configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>inputs: expected shape ({seq_len}, {batch}, {input_size}) or ({seq_len}, {input_size}), got {value11}</source>
        <translation>输入：期望形状为 ({seq_len}, {batch}, {input_size}) 或 ({seq_len}, {input_size})，实际为 {value11}</translation>
    </message>
    <message>
        <source>spectral radius must be &gt;= 0, got {radius}</source>
        <translation>谱半径必须 ≥ 0，实际为 {radius}</translation>
    </message>
    <message>
        <source>the encoder–decoder placement needs a sequence of at least 2 steps</source>
        <translation>编码器–解码器的损失位置要求序列至少有 2 步</translation>
    </message>
    <message>
        <source>encoder steps N = {n} and decoder steps M = {m} must be &gt;= 1 with N + M &lt;= T = {seq_len}</source>
        <translation>编码器步数 N = {n} 与解码器步数 M = {m} 都必须 ≥ 1，且 N + M ≤ T = {seq_len}</translation>
    </message>
    <message>
        <source>unknown loss placement {placement!r}; choose all, last or step</source>
        <translation>未知的损失位置 {placement!r}；可选：all、last 或 step</translation>
    </message>
    <message>
        <source>targets: expected shape {value1}, got {shape}</source>
        <translation>目标：期望形状为 {value1}，实际为 {shape}</translation>
    </message>
    <message>
        <source>targets must lie in [0, {value1}]</source>
        <translation>目标必须位于 [0, {value1}] 之内</translation>
    </message>
    <message>
        <source>a final-state gradient cannot be combined with a truncation window</source>
        <translation>末状态梯度不能与截断窗口同时使用</translation>
    </message>
    <message>
        <source>a projection gradient needs a one-directional network</source>
        <translation>投影梯度需要单向网络</translation>
    </message>
    <message>
        <source>loss placement &apos;step&apos; needs at least one step</source>
        <translation>损失位置“单步”至少需要一步</translation>
    </message>
    <message>
        <source>loss steps must lie in 1..{T}, got {value3}</source>
        <translation>损失步必须位于 1..{T} 之内，实际为 {value3}</translation>
    </message>
    <message>
        <source>truncation window must be an integer &gt;= 0, got {truncate}</source>
        <translation>截断窗口必须是 ≥ 0 的整数，实际为 {truncate}</translation>
    </message>
    <message>
        <source>~{total} ({largest})</source>
        <translation>约 {total}（{largest}）</translation>
    </message>
    <message>
        <source>weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>forward caches</source>
        <translation>前向缓存</translation>
    </message>
    <message>
        <source>step Jacobians</source>
        <translation>逐步雅可比矩阵</translation>
    </message>
    <message>
        <source>anchor curve</source>
        <translation>锚点曲线</translation>
    </message>
    <message>
        <source>BPTT</source>
        <translation>随时间反向传播</translation>
    </message>
    <message>
        <source>itemized matrix</source>
        <translation>逐项矩阵</translation>
    </message>
    <message>
        <source>plot arrays</source>
        <translation>绘图数组</translation>
    </message>
    <message>
        <source>spectra</source>
        <translation>谱</translation>
    </message>
    <message>
        <source>headroom</source>
        <translation>余量</translation>
    </message>
    <message>
        <source>map products</source>
        <translation>(t, k) 图的连乘积</translation>
    </message>
    <message>
        <source>map norms</source>
        <translation>(t, k) 图的范数</translation>
    </message>
    <message>
        <source>map snapshots</source>
        <translation>(t, k) 图的快照</translation>
    </message>
    <message>
        <source>auxiliary input</source>
        <translation>辅助输入</translation>
    </message>
    <message>
        <source>itemized layers</source>
        <translation>各层的逐项梯度</translation>
    </message>
    <message>
        <source>map Jacobian copy</source>
        <translation>(t, k) 图的雅可比矩阵副本</translation>
    </message>
    <message>
        <source>map limited to k ≤ {k} to stay within the memory budget ({budget}; the whole map would need {estimate})</source>
        <translation>(t, k) 图限于 k ≤ {k}，以不超出内存预算（{budget}；完整的图需要{estimate}）</translation>
    </message>
    <message>
        <source>{part} {size}</source>
        <translation>{part} {size}</translation>
    </message>
    <message>
        <source>needs {estimate} (budget {budget})</source>
        <translation>需要{estimate}（预算 {budget}）</translation>
    </message>
    <message>
        <source>no (t, k) map: it would need {estimate} (memory budget {budget})</source>
        <translation>不计算 (t, k) 图：它需要{estimate}（内存预算 {budget}）</translation>
    </message>
    <message>
        <source>no Dask scheduler address given (e.g. tcp://host:8786)</source>
        <translation>未给出 Dask 调度器地址（例如 tcp://host:8786）</translation>
    </message>
    <message>
        <source>the Dask cluster at {address} dropped run {index} ({status}); has its scheduler stopped?</source>
        <translation>位于 {address} 的 Dask 集群丢弃了第 {index} 次运行（{status}）；其调度器是否已停止？</translation>
    </message>
    <message>
        <source>running a sweep on a Dask cluster needs Dask distributed: {INSTALL_HINT}</source>
        <translation>在 Dask 集群上运行扫描需要 Dask distributed：{INSTALL_HINT}</translation>
    </message>
    <message>
        <source>run {index} of the sweep killed Dask workers of the cluster at {address} (out of memory?): {value5}</source>
        <translation>扫描的第 {index} 次运行使位于 {address} 的集群中的 Dask 工作进程终止（内存不足？）：{value5}</translation>
    </message>
    <message>
        <source>{what} must be a JSON object</source>
        <translation>{what}必须是 JSON 对象</translation>
    </message>
    <message>
        <source>unknown {what} key(s): {choices}</source>
        <translation>未知的{what}键：{choices}</translation>
    </message>
    <message>
        <source>{name} must be an integer, got {value!r}</source>
        <translation>{name} 必须是整数，实际为 {value!r}</translation>
    </message>
    <message>
        <source>{name} must be {bound}, got {value}</source>
        <translation>{name} 必须 {bound}，实际为 {value}</translation>
    </message>
    <message>
        <source>{name} must be a number, got {value!r}</source>
        <translation>{name} 必须是数，实际为 {value!r}</translation>
    </message>
    <message>
        <source>{name} must be a finite number, got {value}</source>
        <translation>{name} 必须是有限数，实际为 {value}</translation>
    </message>
    <message>
        <source>{name} must be &gt;= {low}, got {value}</source>
        <translation>{name} 必须 ≥ {low}，实际为 {value}</translation>
    </message>
    <message>
        <source>{name} must be &lt;= {high}, got {value}</source>
        <translation>{name} 必须 ≤ {high}，实际为 {value}</translation>
    </message>
    <message>
        <source>invalid {what}: {exc}</source>
        <translation>无效的{what}：{exc}</translation>
    </message>
    <message>
        <source>unknown cell {cell!r}; choose one of {choices}</source>
        <translation>未知的单元 {cell!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>unknown activation {activation!r}; choose one of {choices}</source>
        <translation>未知的激活函数 {activation!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>bidirectional must be true or false, got {bidirectional!r}</source>
        <translation>双向设置必须为 true 或 false，实际为 {bidirectional!r}</translation>
    </message>
    <message>
        <source>network config</source>
        <translation>网络配置</translation>
    </message>
    <message>
        <source>weights file {path}: unknown format; expected {EXTENSIONS}</source>
        <translation>权重文件 {path}：未知格式；应为 {EXTENSIONS}</translation>
    </message>
    <message>
        <source>weights file not found: {path}</source>
        <translation>找不到权重文件：{path}</translation>
    </message>
    <message>
        <source>weights file {path} is not a regular file</source>
        <translation>权重文件 {path} 不是普通文件</translation>
    </message>
    <message>
        <source>weights file {path} is not a zip archive: not a PyTorch state dict as torch.save writes it (truncated, or the legacy pre-1.6 format)</source>
        <translation>权重文件 {path} 不是 zip 压缩包：不是 torch.save 写出的 PyTorch 状态字典（文件被截断，或是 1.6 之前的旧格式）</translation>
    </message>
    <message>
        <source>weights file {path} is not a valid {suffix} file</source>
        <translation>权重文件 {path} 不是有效的 {suffix} 文件</translation>
    </message>
    <message>
        <source>cannot read weights file {path}: {value3}</source>
        <translation>无法读取权重文件 {path}：{value3}</translation>
    </message>
    <message>
        <source>reading safetensors files needs the safetensors package: pip install &apos;rnnviz[formats]&apos; (or pip install safetensors)</source>
        <translation>读取 safetensors 文件需要 safetensors 包：pip install &apos;rnnviz[formats]&apos;（或 pip install safetensors）</translation>
    </message>
    <message>
        <source>{path}: not a readable safetensors file ({first})</source>
        <translation>{path}：不是可读的 safetensors 文件（{first}）</translation>
    </message>
    <message>
        <source>{where}: {name} holds {dtype} values, expected floating point</source>
        <translation>{where}：{name} 的值为 {dtype} 类型，应为浮点数</translation>
    </message>
    <message>
        <source>{path} holds bfloat16 tensors, which NumPy reads only with the ml_dtypes package: pip install ml_dtypes (or save them as float32)</source>
        <translation>{path} 含有 bfloat16 张量，NumPy 须借助 ml_dtypes 包才能读取：pip install ml_dtypes（或将其存为 float32）</translation>
    </message>
    <message>
        <source>{where}: expected numbers, got dtype {dtype}</source>
        <translation>{where}：应为数值，实际数据类型为 {dtype}</translation>
    </message>
    <message>
        <source>{where}: expected shape (T, {width}) or (T, batch, {width}) with T, batch{value6} &gt;= 1, got {file_shape}</source>
        <translation>{where}：期望形状为 (T, {width}) 或 (T, 批, {width})，其中 T、批{value6} ≥ 1，实际为 {file_shape}</translation>
    </message>
    <message>
        <source>{where} contains NaN or infinite values</source>
        <translation>{where} 含有 NaN 或无穷大的值</translation>
    </message>
    <message>
        <source>{where} holds no rows of numbers; expected T rows of input columns</source>
        <translation>{where} 没有数值行；应为 T 行输入列</translation>
    </message>
    <message>
        <source>{where} is not a UTF-8 text table</source>
        <translation>{where} 不是 UTF-8 文本表格</translation>
    </message>
    <message>
        <source>cannot read {where}: {value3}</source>
        <translation>无法读取 {where}：{value3}</translation>
    </message>
    <message>
        <source>inputs file {path}: expected a .npy or .csv file</source>
        <translation>输入文件 {path}：应为 .npy 或 .csv 文件</translation>
    </message>
    <message>
        <source>inputs file {path} not found</source>
        <translation>找不到输入文件 {path}</translation>
    </message>
    <message>
        <source>inputs file {path} is not a regular file</source>
        <translation>输入文件 {path} 不是普通文件</translation>
    </message>
    <message>
        <source>{where}, line {line_number}: {n_values} columns; the rows before it have {value6}</source>
        <translation>{where} 第 {line_number} 行：有 {n_values} 列；前面各行有 {value6} 列</translation>
    </message>
    <message>
        <source>{where}, line {line_number}: {value4!r} is not a number</source>
        <translation>{where} 第 {line_number} 行：{value4!r} 不是数</translation>
    </message>
    <message>
        <source>{what} has direction &apos;reverse&apos;; expected forward or bidirectional (rnnviz has no reverse-only layers: export the layer as forward and feed it x[::-1])</source>
        <translation>{what} 的方向为“反向”；应为正向或双向（rnnviz 没有仅反向的层：请将该层导出为正向，并以 x[::-1] 作为输入）</translation>
    </message>
    <message>
        <source>{what} has direction {direction!r}; expected forward or bidirectional</source>
        <translation>{what} 的方向为 {direction!r}；应为正向或双向</translation>
    </message>
    <message>
        <source>{what} clips its gate pre-activations to ±{a_item:g}; rnnviz has no clipped cells (export without clip)</source>
        <translation>{what} 将门的预激活值截断到 ±{a_item:g}；rnnviz 没有带截断的单元（请在导出时不设截断）</translation>
    </message>
    <message>
        <source>{what} has layout={a_item}; expected 0 or 1</source>
        <translation>{what} 的布局为 {a_item}；应为 0 或 1</translation>
    </message>
    <message>
        <source>{what} lists {n_activations} activations; expected {value4}</source>
        <translation>{what} 列出 {n_activations} 个激活函数；应为 {value4} 个</translation>
    </message>
    <message>
        <source>{what} has activations {activations}; {supported}</source>
        <translation>{what} 的激活函数为 {activations}；{supported}</translation>
    </message>
    <message>
        <source>{what}: W has shape {shape} and R {shape2}; expected ({D}, {G}*H, input) and ({D}, {G}*H, H)</source>
        <translation>{what}：W 的形状为 {shape}，R 为 {shape2}；应为 ({D}, {G}*H, 输入) 与 ({D}, {G}*H, H)</translation>
    </message>
    <message>
        <source>{what}: W has shape {shape} and R {shape2}; expected ({D}, {value8}, input) and ({D}, {value8}, {H}) for hidden_size {H}</source>
        <translation>{what}：W 的形状为 {shape}，R 为 {shape2}；隐藏层大小为 {H} 时应为 ({D}, {value8}, 输入) 与 ({D}, {value8}, {H})</translation>
    </message>
    <message>
        <source>{what}: B has shape {shape}; expected ({D}, {value6})</source>
        <translation>{what}：B 的形状为 {shape}；应为 ({D}, {value6})</translation>
    </message>
    <message>
        <source>{path}: found no recurrent operator (operators: {choices}); expected ONNX RNN, LSTM or GRU operators</source>
        <translation>{path}：未找到循环算子（现有算子：{choices}）；应为 ONNX 的 RNN、LSTM 或 GRU 算子</translation>
    </message>
    <message>
        <source>reading ONNX files needs the onnx package: pip install &apos;rnnviz[formats]&apos; (or pip install onnx)</source>
        <translation>读取 ONNX 文件需要 onnx 包：pip install &apos;rnnviz[formats]&apos;（或 pip install onnx）</translation>
    </message>
    <message>
        <source>{what}: its {name} input {key!r} is computed in the graph; expected an initializer (export with constant weights)</source>
        <translation>{what}：其 {name} 输入 {key!r} 在计算图中计算得出；应为初始值（请以常量权重导出）</translation>
    </message>
    <message>
        <source>{what} starts from a nonzero {name}; rnnviz starts every sequence at zero</source>
        <translation>{what} 从非零的 {name} 开始；rnnviz 的每个序列都从零开始</translation>
    </message>
    <message>
        <source>{what} couples the input and forget gates and has peepholes; rnnviz has one or the other</source>
        <translation>{what} 既耦合输入门与遗忘门，又有窥视孔连接；rnnviz 只支持其中之一</translation>
    </message>
    <message>
        <source>{path}: not a readable ONNX model ({first})</source>
        <translation>{path}：不是可读的 ONNX 模型（{first}）</translation>
    </message>
    <message>
        <source>{path}: layer {index} ({layer_item}, {layer_item2}, hidden {layer_item3}, {layer_item4} direction(s)) differs from layer 0 ({first_item}, {first_item2}, hidden {first_item3}, {first_item4} direction(s)); rnnviz stacks equal layers</source>
        <translation>{path}：第 {index} 层（{layer_item}、{layer_item2}，隐藏 {layer_item3}，{layer_item4} 个方向）与第 0 层（{first_item}、{first_item2}，隐藏 {first_item3}，{first_item4} 个方向）不同；rnnviz 只堆叠相同的层</translation>
    </message>
    <message>
        <source>{path}: layer {index} takes {layer_item} inputs; stacked on the layer before it expects {expected_in}</source>
        <translation>{path}：第 {index} 层接受 {layer_item} 个输入；堆叠在前一层之上时应为 {expected_in} 个</translation>
    </message>
    <message>
        <source>{what} has no {name} input</source>
        <translation>{what} 没有 {name} 输入</translation>
    </message>
    <message>
        <source>{what}: P has shape {shape}; expected ({D}, {value6})</source>
        <translation>{what}：P 的形状为 {shape}；应为 ({D}, {value6})</translation>
    </message>
    <message>
        <source>{where} does not describe a recurrent network: found {value2}; expected weight_ih_l0, weight_hh_l0 (and biases) of a torch.nn.RNN, LSTM or GRU</source>
        <translation>{where} 描述的不是循环网络：找到的是 {value2}；应为 torch.nn.RNN、LSTM 或 GRU 的 weight_ih_l0、weight_hh_l0（及偏置）</translation>
    </message>
    <message>
        <source>{where} holds several recurrent modules ({choices}); expected one</source>
        <translation>{where} 含有多个循环模块（{choices}）；应只有一个</translation>
    </message>
    <message>
        <source>{where}: found {projections_item}, an LSTM with proj_size; expected an LSTM without projections</source>
        <translation>{where}：找到 {projections_item}，即带 proj_size 的 LSTM；应为不带投影的 LSTM</translation>
    </message>
    <message>
        <source>{where}: expected weight_hh_l0 of shape (gates*hidden, hidden), found {found}</source>
        <translation>{where}：weight_hh_l0 的形状应为 (门数*隐藏, 隐藏)，实际为 {found}</translation>
    </message>
    <message>
        <source>{where}: weight_hh_l0 has shape {value2}; expected (G*H, H) with G = 1 (RNN), 3 (GRU) or 4 (LSTM) gate blocks</source>
        <translation>{where}：weight_hh_l0 的形状为 {value2}；应为 (G*H, H)，门块数 G = 1（RNN）、3（GRU）或 4（LSTM）</translation>
    </message>
    <message>
        <source>{where}: expected weight_ih_l0 of shape ({gh}, input), found {value4}</source>
        <translation>{where}：weight_ih_l0 的形状应为 ({gh}, 输入)，实际为 {value4}</translation>
    </message>
    <message>
        <source>{where} has {gates} gate block(s) per layer ({value4}), not a {cell} network</source>
        <translation>{where} 每层有 {gates} 个门块（{value4}），不是 {cell} 网络</translation>
    </message>
    <message>
        <source>{where} does not describe a {value2} network: {error}</source>
        <translation>{where} 描述的不是 {value2} 网络：{error}</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: tensor {what} is {name__}, expected a tuple of integers</source>
        <translation>不是 PyTorch 状态字典：张量的{what}是 {name__}，应为整数元组</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: a tensor is rebuilt from something that is not a storage</source>
        <translation>不是 PyTorch 状态字典：有张量由非存储块的对象重建</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: tensor storage offset {offset!r}</source>
        <translation>不是 PyTorch 状态字典：张量的存储偏移为 {offset!r}</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: tensor size {size} with stride {stride}</source>
        <translation>不是 PyTorch 状态字典：张量大小为 {size}，步幅为 {stride}</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: _rebuild_tensor_v2 with too many arguments</source>
        <translation>不是 PyTorch 状态字典：_rebuild_tensor_v2 的参数过多</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: a parameter wraps something that is not a tensor</source>
        <translation>不是 PyTorch 状态字典：有参数包装的不是张量</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: OrderedDict called with arguments</source>
        <translation>不是 PyTorch 状态字典：OrderedDict 被带参数调用</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: persistent id {value1}, expected a storage</source>
        <translation>不是 PyTorch 状态字典：持久标识为 {value1}，应为存储块</translation>
    </message>
    <message>
        <source>{path}: storage {key} claims {file_size} bytes but the file holds only {stored} (truncated or damaged file)</source>
        <translation>{path}：存储块 {key} 声称有 {file_size} 字节，但文件只有 {stored}（文件被截断或已损坏）</translation>
    </message>
    <message>
        <source>{path}: storage {key} holds {file_size} bytes, the pickle says {numel} elements of {itemsize} bytes</source>
        <translation>{path}：存储块 {key} 有 {file_size} 字节，而序列化记录写的是 {numel} 个 {itemsize} 字节的元素</translation>
    </message>
    <message>
        <source>{path}: tensor {name} of size {size} has more elements ({count}) than its storage ({size2})</source>
        <translation>{path}：大小为 {size} 的张量 {name} 的元素数（{count}）多于其存储块（{size2}）</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: the pickle ends early (truncated file?)</source>
        <translation>不是 PyTorch 状态字典：序列化数据提前结束（文件被截断？）</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: found {module}.{name}, expected only tensors, storages and OrderedDict</source>
        <translation>不是 PyTorch 状态字典：找到 {module}.{name}，应只有张量、存储块和 OrderedDict</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: malformed pickle (no MARK)</source>
        <translation>不是 PyTorch 状态字典：序列化数据格式错误（缺少 MARK）</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: malformed pickle (stack underflow)</source>
        <translation>不是 PyTorch 状态字典：序列化数据格式错误（栈下溢）</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: SETITEM on something that is not a dict</source>
        <translation>不是 PyTorch 状态字典：SETITEM 作用于非字典对象</translation>
    </message>
    <message>
        <source>{path}: storage {key} is missing from the archive (truncated or damaged file)</source>
        <translation>{path}：压缩包中缺少存储块 {key}（文件被截断或已损坏）</translation>
    </message>
    <message>
        <source>{path}: tensor {name} of size {size} (stride {stride}, offset {offset}) reaches past its storage of {size2} elements</source>
        <translation>{path}：大小为 {size} 的张量 {name}（步幅 {stride}，偏移 {offset}）超出了其 {size2} 个元素的存储块</translation>
    </message>
    <message>
        <source>{path}: not a PyTorch zip archive (truncated or not written by torch.save; the legacy pre-1.6 format is not read)</source>
        <translation>{path}：不是 PyTorch 的 zip 压缩包（文件被截断或并非由 torch.save 写出；不读取 1.6 之前的旧格式）</translation>
    </message>
    <message>
        <source>{path}: cannot read ({value2})</source>
        <translation>{path}：无法读取（{value2}）</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: found a key of type {name__}</source>
        <translation>不是 PyTorch 状态字典：找到类型为 {name__} 的键</translation>
    </message>
    <message>
        <source>{path}: not a PyTorch state dict: expected one &lt;name&gt;/data.pkl in the archive, found {n_pickles}</source>
        <translation>{path}：不是 PyTorch 状态字典：压缩包中应有一个 &lt;name&gt;/data.pkl，实际有 {n_pickles} 个</translation>
    </message>
    <message>
        <source>{path}: data.pkl is {file_size} bytes, too large for a state dict</source>
        <translation>{path}：data.pkl 有 {file_size} 字节，作为状态字典过大</translation>
    </message>
    <message>
        <source>{path}: not a PyTorch state dict: found a {name__}, expected a dict of tensors</source>
        <translation>{path}：不是 PyTorch 状态字典：找到的是 {name__}，应为张量字典</translation>
    </message>
    <message>
        <source>{path}: damaged or truncated archive ({error})</source>
        <translation>{path}：压缩包已损坏或被截断（{error}）</translation>
    </message>
    <message>
        <source>{path}: not a PyTorch state dict: nested too deeply</source>
        <translation>{path}：不是 PyTorch 状态字典：嵌套过深</translation>
    </message>
    <message>
        <source>{path}: unknown byte order {byteorder!r}</source>
        <translation>{path}：未知的字节序 {byteorder!r}</translation>
    </message>
    <message>
        <source>{path}: {error}</source>
        <translation>{path}：{error}</translation>
    </message>
    <message>
        <source>{path}: not a PyTorch state dict: entry {name!r} is a {name__}, expected a tensor (nor is there a dict of tensors under {choices})</source>
        <translation>{path}：不是 PyTorch 状态字典：条目 {name!r} 是 {name__}，应为张量（{choices} 之下也没有张量字典）</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: malformed pickle (stack at STOP)</source>
        <translation>不是 PyTorch 状态字典：序列化数据格式错误（STOP 时栈未清空）</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: malformed STACK_GLOBAL</source>
        <translation>不是 PyTorch 状态字典：STACK_GLOBAL 格式错误</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: found a call of {value1}</source>
        <translation>不是 PyTorch 状态字典：找到对 {value1} 的调用</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: BUILD on something that is not a dict</source>
        <translation>不是 PyTorch 状态字典：BUILD 作用于非字典对象</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: APPEND on something that is not a list</source>
        <translation>不是 PyTorch 状态字典：APPEND 作用于非列表对象</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: APPENDS on something that is not a list</source>
        <translation>不是 PyTorch 状态字典：APPENDS 作用于非列表对象</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: malformed pickle (PUT on empty stack)</source>
        <translation>不是 PyTorch 状态字典：序列化数据格式错误（空栈上的 PUT）</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: malformed pickle (GET of unknown memo)</source>
        <translation>不是 PyTorch 状态字典：序列化数据格式错误（GET 了未知的备忘项）</translation>
    </message>
    <message>
        <source>not a PyTorch state dict: found pickle opcode {op!r} at byte {value3}, which a state dict does not use</source>
        <translation>不是 PyTorch 状态字典：在第 {value3} 字节处找到序列化操作码 {op!r}，状态字典不使用它</translation>
    </message>
    <message>
        <source>unknown init scheme {scheme!r}; choose one of {choices}</source>
        <translation>未知的初始化方案 {scheme!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>unknown parameter name(s) for a {cell} network: {choices}</source>
        <translation>{cell} 网络没有这些参数名：{choices}</translation>
    </message>
    <message>
        <source>spectral radius must be a finite number &gt;= 0, got {radius}</source>
        <translation>谱半径必须是 ≥ 0 的有限数，实际为 {radius}</translation>
    </message>
    <message>
        <source>init scale must be a finite number &gt;= 0, got {scale}</source>
        <translation>初始化尺度必须是 ≥ 0 的有限数，实际为 {scale}</translation>
    </message>
    <message>
        <source>{name}: missing (expected shape {shape})</source>
        <translation>{name}：缺失（应为形状 {shape}）</translation>
    </message>
    <message>
        <source>{name}: expected shape {shape}, got {value4}</source>
        <translation>{name}：期望形状为 {shape}，实际为 {value4}</translation>
    </message>
    <message>
        <source>{name}: expected floating-point values, got {dtype}</source>
        <translation>{name}：应为浮点数值，实际为 {dtype}</translation>
    </message>
    <message>
        <source>{name}: contains NaN or infinite values</source>
        <translation>{name}：含有 NaN 或无穷大的值</translation>
    </message>
    <message>
        <source>{path} has no stored config; give the network shape explicitly</source>
        <translation>{path} 没有保存配置；请明确给出网络的形状</translation>
    </message>
    <message>
        <source>{path}: stored config is not valid JSON ({exc})</source>
        <translation>{path}：保存的配置不是有效的 JSON（{exc}）</translation>
    </message>
    <message>
        <source>inputs: expected shape (T, batch, {input_size}), got {shape}</source>
        <translation>输入：期望形状为 (T, 批, {input_size})，实际为 {shape}</translation>
    </message>
    <message>
        <source>inputs: need at least one step and one sequence, got shape {shape}</source>
        <translation>输入：至少需要一步和一个序列，实际形状为 {shape}</translation>
    </message>
    <message>
        <source>inputs contain NaN or infinite values</source>
        <translation>输入含有 NaN 或无穷大的值</translation>
    </message>
    <message>
        <source>a precomputed input projection needs a one-directional network</source>
        <translation>预先计算的输入投影需要单向网络</translation>
    </message>
    <message>
        <source>auxiliary input given but the parameters have no weight_aux_l0</source>
        <translation>给出了辅助输入，但参数中没有 weight_aux_l0</translation>
    </message>
    <message>
        <source>auxiliary input: expected shape {value1}, got {value3}</source>
        <translation>辅助输入：期望形状为 {value1}，实际为 {value3}</translation>
    </message>
    <message>
        <source>initial state {name}: expected shape {value3}, got {shape}</source>
        <translation>初始状态 {name}：期望形状为 {value3}，实际为 {shape}</translation>
    </message>
    <message>
        <source>cannot sweep {name!r}; choose one of {choices}</source>
        <translation>不能扫描 {name!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>{name}: no values given</source>
        <translation>{name}：未给出取值</translation>
    </message>
    <message>
        <source>{name}: values repeat ({choices})</source>
        <translation>{name}：取值有重复（{choices}）</translation>
    </message>
    <message>
        <source>workers must be an integer &gt;= 1, got {workers!r}</source>
        <translation>工作进程数必须是 ≥ 1 的整数，实际为 {workers!r}</translation>
    </message>
    <message>
        <source>{name}: give a comma-separated list, not a range ({text!r})</source>
        <translation>{name}：请给出逗号分隔的列表，而不是范围（{text!r}）</translation>
    </message>
    <message>
        <source>{name}: a range is start:stop:num, got {text!r}</source>
        <translation>{name}：范围的写法是 起点:终点:点数，实际为 {text!r}</translation>
    </message>
    <message>
        <source>{name}: range ends must be finite, got {text!r}</source>
        <translation>{name}：范围的端点必须是有限数，实际为 {text!r}</translation>
    </message>
    <message>
        <source>{name}: number of points must be in [1, {MAX_GRID_POINTS}], got {num}</source>
        <translation>{name}：点数必须在 [1, {MAX_GRID_POINTS}] 之内，实际为 {num}</translation>
    </message>
    <message>
        <source>{name}: empty entry in list {text!r}</source>
        <translation>{name}：列表 {text!r} 中有空项</translation>
    </message>
    <message>
        <source>{name}: expected a number, got {item!r}</source>
        <translation>{name}：应为数，实际为 {item!r}</translation>
    </message>
    <message>
        <source>{name}: values must be finite, got {item!r}</source>
        <translation>{name}：取值必须是有限数，实际为 {item!r}</translation>
    </message>
    <message>
        <source>{name}: values of the wrong type: {values!r}</source>
        <translation>{name}：取值的类型不对：{values!r}</translation>
    </message>
    <message>
        <source>sweep base must be an ExperimentConfig</source>
        <translation>扫描的基准配置必须是 ExperimentConfig</translation>
    </message>
    <message>
        <source>a sweep varies one or two parameters, got {n_axes}</source>
        <translation>一次扫描改变一个或两个参数，实际为 {n_axes} 个</translation>
    </message>
    <message>
        <source>parameter {names_item!r} is swept twice</source>
        <translation>参数 {names_item!r} 被扫描了两次</translation>
    </message>
    <message>
        <source>seeds must be an integer in [1, 10000], got {seeds!r}</source>
        <translation>种子数必须是 [1, 10000] 之内的整数，实际为 {seeds!r}</translation>
    </message>
    <message>
        <source>choose at least one metric from {choices}</source>
        <translation>请至少选择一个指标：{choices}</translation>
    </message>
    <message>
        <source>unknown metric {unknown_item!r}; choose from {choices}</source>
        <translation>未知的指标 {unknown_item!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>metrics must be distinct and in the order {choices}</source>
        <translation>指标不得重复，且须按以下顺序：{choices}</translation>
    </message>
    <message>
        <source>threshold must be a positive number, got {threshold!r}</source>
        <translation>阈值必须是正数，实际为 {threshold!r}</translation>
    </message>
    <message>
        <source>lyapunov_count must be an integer &gt;= 1, got {m!r}</source>
        <translation>Lyapunov 指数的个数必须是 ≥ 1 的整数，实际为 {m!r}</translation>
    </message>
    <message>
        <source>the sweep has {value1} runs; at most {MAX_GRID_POINTS} are allowed</source>
        <translation>该扫描共有 {value1} 次运行；至多允许 {MAX_GRID_POINTS} 次</translation>
    </message>
    <message>
        <source>base seed + seeds exceeds the largest seed</source>
        <translation>基准种子加种子数超出了最大的种子</translation>
    </message>
    <message>
        <source>sweep definition must be a JSON object</source>
        <translation>扫描定义必须是 JSON 对象</translation>
    </message>
    <message>
        <source>not a sweep definition: format is {value1!r}</source>
        <translation>不是扫描定义：格式为 {value1!r}</translation>
    </message>
    <message>
        <source>unsupported sweep definition version {version!r}</source>
        <translation>不支持的扫描定义版本 {version!r}</translation>
    </message>
    <message>
        <source>unknown sweep key(s): {choices}</source>
        <translation>未知的扫描键：{choices}</translation>
    </message>
    <message>
        <source>sweep &apos;axes&apos; must be a list</source>
        <translation>扫描的“axes”必须是列表</translation>
    </message>
    <message>
        <source>sweep &apos;metrics&apos; must be a list</source>
        <translation>扫描的“metrics”必须是列表</translation>
    </message>
    <message>
        <source>{name}: a range is start:stop:num with numbers, got {text!r}</source>
        <translation>{name}：范围的写法是 起点:终点:点数，且均为数，实际为 {text!r}</translation>
    </message>
    <message>
        <source>{name}: unknown value {item!r}; choose from {choices}</source>
        <translation>{name}：未知的取值 {item!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>{name}: values must be whole numbers, got {value2}</source>
        <translation>{name}：取值必须是整数，实际为 {value2}</translation>
    </message>
    <message>
        <source>sweep axes must be SweepAxis objects</source>
        <translation>扫描轴必须是 SweepAxis 对象</translation>
    </message>
    <message>
        <source>lyapunov_count {lyapunov_count} exceeds the state size {S} at {value5}</source>
        <translation>在 {value5} 处，Lyapunov 指数的个数 {lyapunov_count} 超过了状态维数 {S}</translation>
    </message>
    <message>
        <source>at {value1} the step Jacobians would need more than {value3} GiB; reduce seq_len or hidden_size</source>
        <translation>在 {value1} 处，逐步雅可比矩阵需要超过 {value3} GiB；请减小序列长度或隐藏层大小</translation>
    </message>
    <message>
        <source>each sweep axis must be {&quot;name&quot;: ..., &quot;values&quot;: [...]}</source>
        <translation>每个扫描轴都必须形如 {&quot;name&quot;: ..., &quot;values&quot;: [...]}</translation>
    </message>
    <message>
        <source>at {value1}: {error}</source>
        <translation>在 {value1} 处：{error}</translation>
    </message>
    <message>
        <source>checkpoint not found: {path}</source>
        <translation>找不到检查点：{path}</translation>
    </message>
    <message>
        <source>checkpoint</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>{path} is not an rnnviz language-model checkpoint (no __meta__)</source>
        <translation>{path} 不是 rnnviz 语言模型的检查点（没有 __meta__）</translation>
    </message>
    <message>
        <source>{path} is not an rnnviz language-model checkpoint</source>
        <translation>{path} 不是 rnnviz 语言模型的检查点</translation>
    </message>
    <message>
        <source>{path}: unsupported checkpoint version {value2!r}</source>
        <translation>{path}：不支持的检查点版本 {value2!r}</translation>
    </message>
    <message>
        <source>{path}: checkpoint metadata is not valid JSON ({error})</source>
        <translation>{path}：检查点的元数据不是有效的 JSON（{error}）</translation>
    </message>
    <message>
        <source>{path}: unexpected entry {name!r}</source>
        <translation>{path}：意外的条目 {name!r}</translation>
    </message>
    <message>
        <source>{path}: checkpoint metadata is incomplete ({error})</source>
        <translation>{path}：检查点的元数据不完整（{error}）</translation>
    </message>
    <message>
        <source>cannot lock checkpoint {path} ({value3}: {path2})</source>
        <translation>无法锁定检查点 {path}（{value3}：{path2}）</translation>
    </message>
    <message>
        <source>checkpoint {path} is in use by another training run{who}; wait for it to finish or choose another --checkpoint</source>
        <translation>检查点 {path} 正被另一次训练使用{who}；请等它结束，或另选一个检查点</translation>
    </message>
    <message>
        <source>unknown level {level!r}; choose one of {choices}</source>
        <translation>未知的粒度 {level!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>corpus file not found: {path}</source>
        <translation>找不到语料文件：{path}</translation>
    </message>
    <message>
        <source>expected a text file but {path} is a folder</source>
        <translation>应为文本文件，但 {path} 是文件夹</translation>
    </message>
    <message>
        <source>{path} is not a regular file (a device, pipe or socket); give a text file</source>
        <translation>{path} 不是普通文件（而是设备、管道或套接字）；请给出文本文件</translation>
    </message>
    <message>
        <source>cannot read {path}: permission denied</source>
        <translation>无法读取 {path}：没有权限</translation>
    </message>
    <message>
        <source>{name} is empty</source>
        <translation>{name} 为空</translation>
    </message>
    <message>
        <source>{name} looks like a binary file (it contains NUL bytes), not UTF-8 text</source>
        <translation>{name} 像是二进制文件（含有 NUL 字节），而不是 UTF-8 文本</translation>
    </message>
    <message>
        <source>the Python standard library was not found at {root}</source>
        <translation>在 {root} 找不到 Python 标准库</translation>
    </message>
    <message>
        <source>no readable .py files under {root}</source>
        <translation>{root} 下没有可读的 .py 文件</translation>
    </message>
    <message>
        <source>no corpus given</source>
        <translation>未给出语料</translation>
    </message>
    <message>
        <source>corpus {name} has {tokens:,} tokens; its {dtype} ids need about {value7} of memory, but only {value9} are available</source>
        <translation>语料 {name} 有 {tokens:,} 个词元；其 {dtype} 编号约需 {value7} 内存，但只有 {value9} 可用</translation>
    </message>
    <message>
        <source>{name} changed while it was read</source>
        <translation>{name} 在读取过程中被改动</translation>
    </message>
    <message>
        <source>valid_fraction must be in (0, 0.5) and test_fraction in [0, 0.5)</source>
        <translation>验证集比例必须在 (0, 0.5) 之内，测试集比例必须在 [0, 0.5) 之内</translation>
    </message>
    <message>
        <source>{what} is shorter than one batch: {n_ids} tokens, need at least {needed} (batch {batch_size} x (seq-len {seq_len} + 1)); use a smaller --batch or --seq-len</source>
        <translation>{what}不足一个批次：只有 {n_ids} 个词元，至少需要 {needed} 个（批大小 {batch_size} ×（序列长度 {seq_len} + 1））；请减小批大小或序列长度</translation>
    </message>
    <message>
        <source>cannot read {path}: {value3}</source>
        <translation>无法读取 {path}：{value3}</translation>
    </message>
    <message>
        <source>{name} is not valid UTF-8 text (bad byte at offset {start})</source>
        <translation>{name} 不是有效的 UTF-8 文本（偏移 {start} 处有错误字节）</translation>
    </message>
    <message>
        <source>vocabulary has duplicate tokens</source>
        <translation>词表中有重复的词元</translation>
    </message>
    <message>
        <source>{name} has more than {MAX_WORD_VOCAB:,} distinct words; a word-level model cannot train on that vocabulary (try --level char)</source>
        <translation>{name} 中不同的词超过 {MAX_WORD_VOCAB:,} 个；词级模型无法在这样的词表上训练（请改用字符级）</translation>
    </message>
    <message>
        <source>corpus {name} has no tokens</source>
        <translation>语料 {name} 中没有词元</translation>
    </message>
    <message>
        <source>corpus has no tokens</source>
        <translation>语料中没有词元</translation>
    </message>
    <message>
        <source>corpus {name} is too short to split: {n} tokens</source>
        <translation>语料 {name} 太短，无法划分：只有 {n} 个词元</translation>
    </message>
    <message>
        <source>{what} contains a token not in the vocabulary: {args_item!r}</source>
        <translation>{what}含有词表之外的词元：{args_item!r}</translation>
    </message>
    <message>
        <source>{name} is not valid UTF-8 text (bad byte at offset {value2})</source>
        <translation>{name} 不是有效的 UTF-8 文本（偏移 {value2} 处有错误字节）</translation>
    </message>
    <message>
        <source>unknown built-in corpus {corpus!r}; choose one of {choices}</source>
        <translation>未知的内置语料 {corpus!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>folder {folder} has no ptb.train.txt or train.txt</source>
        <translation>文件夹 {folder} 中没有 ptb.train.txt 或 train.txt</translation>
    </message>
    <message>
        <source>embedding file not found: {path}</source>
        <translation>找不到嵌入文件：{path}</translation>
    </message>
    <message>
        <source>embedding file {path} is not a regular file</source>
        <translation>嵌入文件 {path} 不是普通文件</translation>
    </message>
    <message>
        <source>embedding file {name} has no vectors</source>
        <translation>嵌入文件 {name} 中没有向量</translation>
    </message>
    <message>
        <source>model parameters missing: {choices}</source>
        <translation>缺少模型参数：{choices}</translation>
    </message>
    <message>
        <source>unknown model parameter(s): {choices}</source>
        <translation>未知的模型参数：{choices}</translation>
    </message>
    <message>
        <source>embedding file {name} is not UTF-8 text</source>
        <translation>嵌入文件 {name} 不是 UTF-8 文本</translation>
    </message>
    <message>
        <source>vocabulary must have at least 2 tokens, got {vocab_size}</source>
        <translation>词表至少要有 2 个词元，实际为 {vocab_size}</translation>
    </message>
    <message>
        <source>dropout must be in [0, 1), got {dropout}</source>
        <translation>dropout 必须在 [0, 1) 之内，实际为 {dropout}</translation>
    </message>
    <message>
        <source>unknown embedding {embedding!r}; choose one of {choices}</source>
        <translation>未知的嵌入 {embedding!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>init scale must be a positive number, got {init_scale}</source>
        <translation>初始化尺度必须是正数，实际为 {init_scale}</translation>
    </message>
    <message>
        <source>embedding matrix: expected shape {shapes_item}, got {shape}</source>
        <translation>嵌入矩阵：期望形状为 {shapes_item}，实际为 {shape}</translation>
    </message>
    <message>
        <source>unknown loss reduction {reduction!r}</source>
        <translation>未知的损失归约方式 {reduction!r}</translation>
    </message>
    <message>
        <source>weight tying needs embed size == hidden size, got {embed_size} and {hidden_size}</source>
        <translation>权重绑定要求嵌入维数等于隐藏层大小，实际为 {embed_size} 与 {hidden_size}</translation>
    </message>
    <message>
        <source>weight tying needs a trainable embedding</source>
        <translation>权重绑定需要可训练的嵌入</translation>
    </message>
    <message>
        <source>embedding file {name}, line {line_number}: expected {file_dim} numbers, got {value7}</source>
        <translation>嵌入文件 {name} 第 {line_number} 行：应有 {file_dim} 个数，实际为 {value7} 个</translation>
    </message>
    <message>
        <source>embedding file {name} has dimension {file_dim} but the embedding size is {dim}</source>
        <translation>嵌入文件 {name} 的维数为 {file_dim}，但嵌入维数为 {dim}</translation>
    </message>
    <message>
        <source>embedding file {name}, line {line_number}: not a number</source>
        <translation>嵌入文件 {name} 第 {line_number} 行：不是数</translation>
    </message>
    <message>
        <source>unknown optimizer {name!r}; choose one of {choices}</source>
        <translation>未知的优化器 {name!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>unknown preset {name!r}; choose one of {choices}</source>
        <translation>未知的预设 {name!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>{what} must be an integer in [0, {MAX_SAMPLE_LENGTH:,}], got {length!r}</source>
        <translation>{what}必须是 [0, {MAX_SAMPLE_LENGTH:,}] 之内的整数，实际为 {length!r}</translation>
    </message>
    <message>
        <source>temperature must be a positive number, got {temperature}</source>
        <translation>温度必须是正数，实际为 {temperature}</translation>
    </message>
    <message>
        <source>prime text contains {missing_item!r}, which is not in the vocabulary</source>
        <translation>引导文本中的 {missing_item!r} 不在词表中</translation>
    </message>
    <message>
        <source>nothing has been fed yet; prime the sampler first</source>
        <translation>尚未输入任何内容；请先给采样器引导文本</translation>
    </message>
    <message>
        <source>checkpoint has an invalid training config: {error}</source>
        <translation>检查点中的训练配置无效：{error}</translation>
    </message>
    <message>
        <source>prime text</source>
        <translation>引导文本</translation>
    </message>
    <message>
        <source>the model has {parameters:,} parameters (--hidden {hidden}, --layers {layers}, vocabulary {vocab_size:,}); training it with {optimizer} needs about {value11:.1f} GiB of memory, but only {value13:.1f} GiB are available</source>
        <translation>该模型有 {parameters:,} 个参数（隐藏层 {hidden}，层数 {layers}，词表 {vocab_size:,}）；用 {optimizer} 训练约需 {value11:.1f} GiB 内存，但只有 {value13:.1f} GiB 可用</translation>
    </message>
    <message>
        <source>cannot resume: the checkpoint was trained with different settings for {fields}</source>
        <translation>无法继续训练：检查点训练时以下设置与现在不同：{fields}</translation>
    </message>
    <message>
        <source>unknown optimizer {optimizer!r}; choose one of {choices}</source>
        <translation>未知的优化器 {optimizer!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>embedding {embedding} needs an embedding file</source>
        <translation>嵌入 {embedding} 需要嵌入文件</translation>
    </message>
    <message>
        <source>unknown loss reduction {loss_reduction!r}; choose one of {choices}</source>
        <translation>未知的损失归约方式 {loss_reduction!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>dtype must be float32 or float64, got {dtype!r}</source>
        <translation>数据类型必须是 float32 或 float64，实际为 {dtype!r}</translation>
    </message>
    <message>
        <source>training config</source>
        <translation>训练配置</translation>
    </message>
    <message>
        <source>the training text</source>
        <translation>训练文本</translation>
    </message>
    <message>
        <source>the validation text needs at least 2 tokens</source>
        <translation>验证文本至少需要 2 个词元</translation>
    </message>
    <message>
        <source>the test text needs at least 2 tokens</source>
        <translation>测试文本至少需要 2 个词元</translation>
    </message>
    <message>
        <source>cannot resume: the corpus vocabulary differs from the checkpoint&apos;s</source>
        <translation>无法继续训练：语料的词表与检查点的不同</translation>
    </message>
    <message>
        <source>cannot resume: the checkpoint&apos;s data position {position} does not fit this corpus ({batches_per_epoch} batches per epoch)</source>
        <translation>无法继续训练：检查点的数据位置 {position} 与此语料不符（每轮 {batches_per_epoch} 个批次）</translation>
    </message>
    <message>
        <source>{value0} must be an integer &gt;= {low}, got {value!r}</source>
        <translation>{value0} 必须是 ≥ {low} 的整数，实际为 {value!r}</translation>
    </message>
    <message>
        <source>{value0} must be a finite number, got {value!r}</source>
        <translation>{value0} 必须是有限数，实际为 {value!r}</translation>
    </message>
    <message>
        <source>{value0} must be {value2} {low}, got {value}</source>
        <translation>{value0} 必须 {value2} {low}，实际为 {value}</translation>
    </message>
    <message>
        <source>{value0} must be &lt;= {high}, got {value}</source>
        <translation>{value0} 必须 ≤ {high}，实际为 {value}</translation>
    </message>
    <message>
        <source>cannot resume: the checkpoint&apos;s parameters are corrupt ({error})</source>
        <translation>无法继续训练：检查点的参数已损坏（{error}）</translation>
    </message>
    <message>
        <source>cannot resume: the checkpoint&apos;s optimizer state is corrupt ({error})</source>
        <translation>无法继续训练：检查点的优化器状态已损坏（{error}）</translation>
    </message>
    <message>
        <source>cannot resume: the checkpoint&apos;s data position is corrupt ({error})</source>
        <translation>无法继续训练：检查点的数据位置已损坏（{error}）</translation>
    </message>
    <message>
        <source>; the last checkpoint before it (step {step}) is kept in {path}</source>
        <translation>；此前的最后一个检查点（第 {step} 步）保存在 {path}</translation>
    </message>
    <message>
        <source> (nats/token, far above ln V = {bound:.2f}, the loss of a uniform guess)</source>
        <translation>（奈特/词元，远高于均匀猜测的损失 ln V = {bound:.2f}）</translation>
    </message>
    <message>
        <source>cannot resume: the checkpoint&apos;s random-number state is corrupt ({name__}: {error})</source>
        <translation>无法继续训练：检查点的随机数状态已损坏（{name__}：{error}）</translation>
    </message>
    <message>
        <source>checkpoint carried state {name}: expected shape {expected}, got {shape}</source>
        <translation>检查点保存的状态 {name}：期望形状为 {expected}，实际为 {shape}</translation>
    </message>
    <message>
        <source>; no checkpoint was written</source>
        <translation>；未写入检查点</translation>
    </message>
    <message>
        <source>{what} became {value} at step {step}{explain}; training stopped (try a lower learning rate or gradient clipping){kept}</source>
        <translation>第 {step} 步时{what}变为 {value}{explain}；训练已停止（可试用较低的学习率或梯度裁剪）{kept}</translation>
    </message>
    <message>
        <source>the validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>the loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>the gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source> ({factor:.0e} times its size in the first steps)</source>
        <translation>（是最初几步的 {factor:.0e} 倍）</translation>
    </message>
    <message>
        <source>a parameter</source>
        <translation>某个参数</translation>
    </message>
    <message>
        <source>NaN or infinite</source>
        <translation>NaN 或无穷大</translation>
    </message>
    <message>
        <source>the explorer cannot show this analysis: {value1}</source>
        <translation>探索器无法显示此分析：{value1}</translation>
    </message>
    <message>
        <source>{where}: {error}</source>
        <translation>{where}：{error}</translation>
    </message>
    <message>
        <source>{path}: the checkpoint lacks {choices}</source>
        <translation>{path}：检查点缺少 {choices}</translation>
    </message>
    <message>
        <source>network file not found: {path}</source>
        <translation>找不到网络文件：{path}</translation>
    </message>
    <message>
        <source>network file {path} is not a regular file</source>
        <translation>网络文件 {path} 不是普通文件</translation>
    </message>
    <message>
        <source>{path}: {bad} holds NaN or infinite values</source>
        <translation>{path}：{bad} 含有 NaN 或无穷大的值</translation>
    </message>
    <message>
        <source>inputs file not found: {path}</source>
        <translation>找不到输入文件：{path}</translation>
    </message>
    <message>
        <source>{name}: text needs a network from an rnnviz trainer checkpoint (its vocabulary and embedding make the inputs); open one first, or give (T, input) arrays as .npy or .csv</source>
        <translation>{name}：文本需要来自 rnnviz 训练器检查点的网络（由其词表与嵌入生成输入）；请先打开这样的网络，或以 .npy 或 .csv 给出 (T, 输入) 数组</translation>
    </message>
    <message>
        <source>{name}: the vocabulary&apos;s embedding has width {shape_item}; the network takes {input_size} inputs</source>
        <translation>{name}：词表嵌入的宽度为 {shape_item}；网络接受 {input_size} 个输入</translation>
    </message>
    <message>
        <source>{name} holds no {level} tokens</source>
        <translation>{name} 中没有{level}词元</translation>
    </message>
    <message>
        <source>{path}: the checkpoint&apos;s training configuration is invalid ({error})</source>
        <translation>{path}：检查点的训练配置无效（{error}）</translation>
    </message>
    <message>
        <source>inputs file {path} has T = {shape_item} steps; the explorer analyses at most {MAX_STEPS} (rnnviz analyze --inputs takes longer sequences)</source>
        <translation>输入文件 {path} 有 T = {shape_item} 步；探索器至多分析 {MAX_STEPS} 步（更长的序列可用 rnnviz analyze --inputs）</translation>
    </message>
    <message>
        <source>a pin must be {&quot;name&quot;: ..., &quot;colour&quot;: ..., &quot;config&quot;: {...}}</source>
        <translation>图钉必须形如 {&quot;name&quot;: ..., &quot;colour&quot;: ..., &quot;config&quot;: {...}}</translation>
    </message>
    <message>
        <source>a pin needs a name</source>
        <translation>图钉需要一个名称</translation>
    </message>
    <message>
        <source>pin {name!r}: invalid colour {colour!r}</source>
        <translation>图钉 {name!r}：无效的颜色 {colour!r}</translation>
    </message>
    <message>
        <source>pins must be a list of at most {MAX_PINS}</source>
        <translation>图钉必须是至多 {MAX_PINS} 项的列表</translation>
    </message>
    <message>
        <source>threshold must be a number, got {value1!r}</source>
        <translation>阈值必须是数，实际为 {value1!r}</translation>
    </message>
    <message>
        <source>unknown swept parameter in {names}</source>
        <translation>{names} 中有未知的扫描参数</translation>
    </message>
    <message>
        <source>preset {name}: expected an object with a &apos;config&apos; object</source>
        <translation>预设 {name}：应为含有“config”对象的对象</translation>
    </message>
    <message>
        <source>unknown preset {name!r}; available: {available}</source>
        <translation>未知的预设 {name!r}；可用：{available}</translation>
    </message>
    <message>
        <source>preset {name}: cannot read ({error})</source>
        <translation>预设 {name}：无法读取（{error}）</translation>
    </message>
    <message>
        <source>preset {name}: {error}</source>
        <translation>预设 {name}：{error}</translation>
    </message>
    <message>
        <source>{name}: {error}</source>
        <translation>{name}：{error}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>ControlsPanel</name>
    <message>
        <source>Use generated weights</source>
        <translation>使用生成的权重</translation>
    </message>
    <message>
        <source>Analyse weights generated from these controls instead of the trained model&apos;s (Ctrl+Z goes back)</source>
        <translation>改为分析由这些控件生成的权重，而非训练所得模型的权重（Ctrl+Z 可撤回）</translation>
    </message>
    <message>
        <source>Back to generated network</source>
        <translation>回到生成的网络</translation>
    </message>
    <message>
        <source>Analyse a network generated from these controls (same architecture) instead of the file&apos;s; loaded inputs stay (Ctrl+Z goes back)</source>
        <translation>改为分析由这些控件生成的网络（结构相同），不再分析文件中的网络；已载入的输入保留（Ctrl+Z 可撤回）</translation>
    </message>
    <message>
        <source>Back to generated inputs</source>
        <translation>回到生成的输入</translation>
    </message>
    <message>
        <source>Feed the network the input signal chosen below instead of the file&apos;s inputs (Ctrl+Z goes back)</source>
        <translation>改为向网络送入下方所选的输入信号，不再使用文件中的输入（Ctrl+Z 可撤回）</translation>
    </message>
    <message>
        <source>Analysed: a trained model</source>
        <translation>分析对象：训练所得的模型</translation>
    </message>
    <message>
        <source>Recurrent cell. GRU (PyTorch/cuDNN) applies the reset gate to (W_hn h + b_hn); GRU (Cho 2014) applies it to h before W_hn.</source>
        <translation>循环单元。GRU（PyTorch/cuDNN）把重置门作用于 (W_hn h + b_hn)；GRU（Cho 2014）则在乘 W_hn 之前把它作用于 h。</translation>
    </message>
    <message>
        <source>Nonlinearity φ: the Elman RNN&apos;s activation; for gated cells it replaces tanh in the candidate and the cell output (gates stay sigmoid).</source>
        <translation>非线性函数 φ：Elman RNN 的激活函数；对门控单元，它替换候选值与细胞输出中的 tanh（各门仍为 sigmoid）。</translation>
    </message>
    <message>
        <source>Slope of leaky ReLU for negative inputs</source>
        <translation>leaky ReLU 在负输入处的斜率</translation>
    </message>
    <message>
        <source>Hidden size H: units per layer and direction</source>
        <translation>隐藏层大小 H：每层每个方向的单元数</translation>
    </message>
    <message>
        <source>Input size: width of each input vector xₜ</source>
        <translation>输入维度：每个输入向量 xₜ 的宽度</translation>
    </message>
    <message>
        <source>Number of stacked layers; the analysed state s stacks all layers</source>
        <translation>堆叠层数；所分析的状态 s 由各层拼接而成</translation>
    </message>
    <message>
        <source>bidirectional</source>
        <translation>双向</translation>
    </message>
    <message>
        <source>Add a reverse-direction RNN per layer (the plots show the forward direction)</source>
        <translation>每层增加一个反向 RNN（图中显示正向）</translation>
    </message>
    <message>
        <source>Cell</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>Activation φ</source>
        <translation>激活函数 φ</translation>
    </message>
    <message>
        <source>Leaky slope</source>
        <translation>泄漏斜率</translation>
    </message>
    <message>
        <source>Hidden size H</source>
        <translation>隐藏层大小 H</translation>
    </message>
    <message>
        <source>Input size</source>
        <translation>输入维度</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Initialisation scheme of the weights (before rescaling to ρ)</source>
        <translation>权重的初始化方案（在缩放到 ρ 之前）</translation>
    </message>
    <message>
        <source>Scale of the init scheme: σ for Gaussian, a for U(−a, a); &apos;default&apos; = the scheme&apos;s own choice</source>
        <translation>初始化方案的尺度：高斯分布为 σ，U(−a, a) 为 a；“默认”即方案自身的取值</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>rescale to ρ</source>
        <translation>缩放到 ρ</translation>
    </message>
    <message>
        <source>Rescale every square recurrent block W_hh so its spectral radius is ρ; off = keep the init scheme&apos;s weights</source>
        <translation>缩放每个方形循环块 W_hh，使其谱半径为 ρ；关闭则保留初始化方案给出的权重</translation>
    </message>
    <message>
        <source>Spectral radius ρ of each recurrent block, 0 to 2 (drag: live update)</source>
        <translation>每个循环块的谱半径 ρ，0 到 2（拖动即时更新）</translation>
    </message>
    <message>
        <source>Exact spectral radius ρ</source>
        <translation>精确的谱半径 ρ</translation>
    </message>
    <message>
        <source>log slider</source>
        <translation>对数滑块</translation>
    </message>
    <message>
        <source>Map the ρ slider logarithmically (0.01 … 2) instead of linearly (0 … 2)</source>
        <translation>ρ 滑块按对数刻度（0.01 … 2）而非线性刻度（0 … 2）取值</translation>
    </message>
    <message>
        <source>Forget-gate bias b&lt;sub&gt;f&lt;/sub&gt; added at init (LSTM variants): 1 keeps the cell-state highway open, 0 lets it close</source>
        <translation>初始化时加上的遗忘门偏置 b&lt;sub&gt;f&lt;/sub&gt;（LSTM 各变体）：取 1 使细胞状态高速通路保持畅通，取 0 则任其关闭</translation>
    </message>
    <message>
        <source>Forget bias b&lt;sub&gt;f&lt;/sub&gt;</source>
        <translation>遗忘门偏置 b&lt;sub&gt;f&lt;/sub&gt;</translation>
    </message>
    <message>
        <source>Input sequence x&lt;sub&gt;1&lt;/sub&gt; … x&lt;sub&gt;T&lt;/sub&gt; fed to the network</source>
        <translation>送入网络的输入序列 x&lt;sub&gt;1&lt;/sub&gt; … x&lt;sub&gt;T&lt;/sub&gt;</translation>
    </message>
    <message>
        <source>from file {name}</source>
        <translation>来自文件 {name}</translation>
    </message>
    <message>
        <source>Analysed: loaded from files</source>
        <translation>分析对象：从文件载入</translation>
    </message>
    <message>
        <source>Analysing network {name} ({description})</source>
        <translation>正在分析网络 {name}（{description}）</translation>
    </message>
    <message>
        <source>Network: generated from the controls below</source>
        <translation>网络：由下方控件生成</translation>
    </message>
    <message>
        <source>, batch = {batch}</source>
        <translation>，批 = {batch}</translation>
    </message>
    <message>
        <source>inputs: {name} (T = {steps}{batch})</source>
        <translation>输入：{name}（T = {steps}{batch}）</translation>
    </message>
    <message>
        <source>inputs: generated ({signal})</source>
        <translation>输入：生成（{signal}）</translation>
    </message>
    <message>
        <source>Does not apply: the network read from {name} is analysed as it is. “Back to generated network” makes it apply again.</source>
        <translation>不适用：按原样分析从 {name} 读取的网络。点击“回到生成的网络”可使其重新适用。</translation>
    </message>
    <message>
        <source>Does not apply: the inputs read from {name} are analysed. “Back to generated inputs” makes it apply again.</source>
        <translation>不适用：分析的是从 {name} 读取的输入。点击“回到生成的输入”可使其重新适用。</translation>
    </message>
    <message>
        <source>Size A of an auxiliary input aₜ added to layer 1 as W_aux aₜ (0 = none). W_aux is seeded and initialised like W_ih; aₜ is an input, not a state</source>
        <translation>辅助输入 aₜ 的维度 A，以 W_aux aₜ 的形式加到第 1 层（0 = 无）。W_aux 由种子生成，初始化方式同 W_ih；aₜ 是输入，不是状态</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>one-hot intent</source>
        <translation>独热意图</translation>
    </message>
    <message>
        <source>constant</source>
        <translation>常数</translation>
    </message>
    <message>
        <source>Gaussian noise</source>
        <translation>高斯噪声</translation>
    </message>
    <message>
        <source>What aₜ holds: a one-hot class that changes every few steps (e.g. the previous intent), ones, or seeded Gaussian noise</source>
        <translation>aₜ 的内容：每隔几步改变一次的独热类别（例如上一个意图）、全 1，或由种子生成的高斯噪声</translation>
    </message>
    <message>
        <source>Multiplies the auxiliary input aₜ</source>
        <translation>辅助输入 aₜ 的乘数</translation>
    </message>
    <message>
        <source>Size A</source>
        <translation>维度 A</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Auxiliary input</source>
        <translation>辅助输入</translation>
    </message>
    <message>
        <source>encoder–decoder</source>
        <translation>编码器–解码器</translation>
    </message>
    <message>
        <source>Encoder–decoder: steps 1…N read the input; after them the input is zero (the previous output is not fed back). Shrinks with T</source>
        <translation>编码器–解码器：第 1…N 步读取输入；此后输入为零（不回馈上一步的输出）。随 T 缩小</translation>
    </message>
    <message>
        <source>Encoder–decoder: only the last M steps carry a loss (N + M ≤ T; the steps between are a delay without input or loss). Shrinks with T</source>
        <translation>编码器–解码器：只有最后 M 步带有损失（N + M ≤ T；中间各步是既无输入也无损失的延迟）。随 T 缩小</translation>
    </message>
    <message>
        <source>Encoder steps N</source>
        <translation>编码步数 N</translation>
    </message>
    <message>
        <source>Decoder steps M</source>
        <translation>解码步数 M</translation>
    </message>
    <message>
        <source>Random seed of weights and inputs</source>
        <translation>权重与输入的随机种子</translation>
    </message>
    <message>
        <source>Scheme</source>
        <translation>方案</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>尺度</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Initialisation</source>
        <translation>初始化</translation>
    </message>
    <message>
        <source>type text here</source>
        <translation>在此输入文本</translation>
    </message>
    <message>
        <source>Characters hashed to one-hot vectors (input signal &apos;text&apos;); the text repeats to fill the sequence length</source>
        <translation>字符经散列映射为独热向量（输入信号“文本”）；文本循环重复以填满序列长度</translation>
    </message>
    <message>
        <source>Multiplies the input signal</source>
        <translation>输入信号的乘数</translation>
    </message>
    <message>
        <source>Sequence length T (1–2000)</source>
        <translation>序列长度 T（1–2000）</translation>
    </message>
    <message>
        <source>Signal</source>
        <translation>信号</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Length T</source>
        <translation>长度 T</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Which steps carry a loss term L_τ (cross-entropy of a random readout against random targets)</source>
        <translation>哪些时间步带有损失项 L_τ（随机读出层对随机目标的交叉熵）</translation>
    </message>
    <message>
        <source>The step τ carrying the loss when &apos;chosen step&apos; is selected</source>
        <translation>选择“指定时间步”时承载损失的时间步 τ</translation>
    </message>
    <message>
        <source>truncate BPTT</source>
        <translation>截断随时间反向传播</translation>
    </message>
    <message>
        <source>Off = full backprop through time; on = each loss term sends gradient back at most k steps</source>
        <translation>关闭 = 完整的随时间反向传播；开启 = 每个损失项的梯度最多回传 k 步</translation>
    </message>
    <message>
        <source>Truncation window k in steps</source>
        <translation>截断窗口 k（时间步数）</translation>
    </message>
    <message>
        <source>Anchor step t₀ of the gradient-decay curve (click the map to set it)</source>
        <translation>梯度衰减曲线的锚点时间步 t₀（点击梯度流图即可设置）</translation>
    </message>
    <message>
        <source>Loss at</source>
        <translation>损失位置</translation>
    </message>
    <message>
        <source>Loss step τ</source>
        <translation>损失时间步 τ</translation>
    </message>
    <message>
        <source>Anchor t₀</source>
        <translation>锚点 t₀</translation>
    </message>
    <message>
        <source>Loss and backprop</source>
        <translation>损失与反向传播</translation>
    </message>
    <message>
        <source> ({0} steps)</source>
        <translation>（{0} 步）</translation>
    </message>
    <message>
        <source>The {0} on real text{1}: “{2}”. Greyed controls do not apply; changing the network or T analyses generated weights instead (Ctrl+Z goes back).</source>
        <translation>{0}，作用于真实文本{1}：“{2}”。灰色控件不适用；更改网络或 T 将改为分析生成的权重（Ctrl+Z 可撤回）。</translation>
    </message>
</context>
<context>
    <name>DecayPanel</name>
    <message>
        <source>Gradient decay from t₀</source>
        <translation>自 t₀ 起的梯度衰减</translation>
    </message>
    <message>
        <source>distance k</source>
        <translation>距离 k</translation>
    </message>
    <message>
        <source>log₁₀ ‖∂s(t₀+k)/∂s(t₀)‖</source>
        <translation>log₁₀ ‖∂s(t₀+k)/∂s(t₀)‖</translation>
    </message>
    <message>
        <source>log₁₀ norm</source>
        <translation>log₁₀ 范数</translation>
    </message>
    <message>
        <source>Decay, k ≤ {0} (time budget)</source>
        <translation>衰减，k ≤ {0}（时间预算）</translation>
    </message>
    <message>
        <source>Gradient decay from t₀ = {0}, k ≤ {1} (time budget)</source>
        <translation>自 t₀ = {0} 起的梯度衰减，k ≤ {1}（计算时间预算）</translation>
    </message>
    <message>
        <source>Gradient decay from t₀ = {0}</source>
        <translation>自 t₀ = {0} 起的梯度衰减</translation>
    </message>
</context>
<context>
    <name>EncoderBoundary</name>
    <message>
        <source>decoder →</source>
        <translation>解码器 →</translation>
    </message>
    <message>
        <source>← encoder</source>
        <translation>← 编码器</translation>
    </message>
    <message>
        <source>← encoder   decoder →</source>
        <translation>← 编码器   解码器 →</translation>
    </message>
</context>
<context>
    <name>Equations</name>
    <message>
        <source>state s&lt;sub&gt;t&lt;/sub&gt; = h&lt;sub&gt;t&lt;/sub&gt;</source>
        <translation>状态 s&lt;sub&gt;t&lt;/sub&gt; = h&lt;sub&gt;t&lt;/sub&gt;</translation>
    </message>
    <message>
        <source>(coupled input-forget gate)</source>
        <translation>（输入门与遗忘门耦合）</translation>
    </message>
    <message>
        <source>state s&lt;sub&gt;t&lt;/sub&gt; = [h&lt;sub&gt;t&lt;/sub&gt;; c&lt;sub&gt;t&lt;/sub&gt;]</source>
        <translation>状态 s&lt;sub&gt;t&lt;/sub&gt; = [h&lt;sub&gt;t&lt;/sub&gt;; c&lt;sub&gt;t&lt;/sub&gt;]</translation>
    </message>
    <message>
        <source>highway: the direct path c&lt;sub&gt;t−1&lt;/sub&gt; → c&lt;sub&gt;t&lt;/sub&gt; multiplies by diag(f&lt;sub&gt;t&lt;/sub&gt;); the decay plot shows ‖∏ diag(f)‖</source>
        <translation>高速通路：直接通路 c&lt;sub&gt;t−1&lt;/sub&gt; → c&lt;sub&gt;t&lt;/sub&gt; 乘以 diag(f&lt;sub&gt;t&lt;/sub&gt;)；衰减图显示 ‖∏ diag(f)‖</translation>
    </message>
    <message>
        <source>state s&lt;sub&gt;t&lt;/sub&gt; = h&lt;sub&gt;t&lt;/sub&gt;; highway: ∏ diag(z)</source>
        <translation>状态 s&lt;sub&gt;t&lt;/sub&gt; = h&lt;sub&gt;t&lt;/sub&gt;；高速通路：∏ diag(z)</translation>
    </message>
    <message>
        <source>J&lt;sub&gt;t&lt;/sub&gt; = ∂s&lt;sub&gt;t&lt;/sub&gt;/∂s&lt;sub&gt;t−1&lt;/sub&gt; &amp;nbsp;(step Jacobian)</source>
        <translation>J&lt;sub&gt;t&lt;/sub&gt; = ∂s&lt;sub&gt;t&lt;/sub&gt;/∂s&lt;sub&gt;t−1&lt;/sub&gt; &amp;nbsp;（单步雅可比矩阵）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Gradient decay&lt;/b&gt;: log&lt;sub&gt;10&lt;/sub&gt; ‖∂s&lt;sub&gt;t₀+k&lt;/sub&gt;/∂s&lt;sub&gt;t₀&lt;/sub&gt;‖ = log&lt;sub&gt;10&lt;/sub&gt; ‖J&lt;sub&gt;t₀+k&lt;/sub&gt; ⋯ J&lt;sub&gt;t₀+1&lt;/sub&gt;‖ against k</source>
        <translation>&lt;b&gt;梯度衰减&lt;/b&gt;：log&lt;sub&gt;10&lt;/sub&gt; ‖∂s&lt;sub&gt;t₀+k&lt;/sub&gt;/∂s&lt;sub&gt;t₀&lt;/sub&gt;‖ = log&lt;sub&gt;10&lt;/sub&gt; ‖J&lt;sub&gt;t₀+k&lt;/sub&gt; ⋯ J&lt;sub&gt;t₀+1&lt;/sub&gt;‖ 随 k 的变化</translation>
    </message>
    <message>
        <source>&lt;b&gt;Pascanu bound&lt;/b&gt; (Elman): ‖∏J‖₂ ≤ (γ·σ&lt;sub&gt;max&lt;/sub&gt;(W&lt;sub&gt;hh&lt;/sub&gt;))&lt;sup&gt;k&lt;/sup&gt;, γ = sup φ′ = {0}</source>
        <translation>&lt;b&gt;Pascanu 上界&lt;/b&gt;（Elman）：‖∏J‖₂ ≤ (γ·σ&lt;sub&gt;max&lt;/sub&gt;(W&lt;sub&gt;hh&lt;/sub&gt;))&lt;sup&gt;k&lt;/sup&gt;，γ = sup φ′ = {0}</translation>
    </message>
    <message>
        <source>ρ = max |λ(W&lt;sub&gt;hh&lt;/sub&gt;)| (spectral radius); linear orthogonal RNN: ‖∏J‖₂ = ρ&lt;sup&gt;k&lt;/sup&gt; exactly</source>
        <translation>ρ = max |λ(W&lt;sub&gt;hh&lt;/sub&gt;)|（谱半径）；线性正交 RNN：‖∏J‖₂ 恰为 ρ&lt;sup&gt;k&lt;/sup&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Map&lt;/b&gt;: the same log-norm for every anchor t₀ and distance k</source>
        <translation>&lt;b&gt;梯度流图&lt;/b&gt;：对每个锚点 t₀ 和距离 k 画出同一对数范数</translation>
    </message>
    <message>
        <source>&lt;b&gt;BPTT&lt;/b&gt;: ∂L/∂h&lt;sub&gt;t&lt;/sub&gt; = Σ&lt;sub&gt;τ ≥ t&lt;/sub&gt; ∂L&lt;sub&gt;τ&lt;/sub&gt;/∂h&lt;sub&gt;t&lt;/sub&gt;; truncation k keeps only τ − t ≤ k</source>
        <translation>&lt;b&gt;随时间反向传播&lt;/b&gt;：∂L/∂h&lt;sub&gt;t&lt;/sub&gt; = Σ&lt;sub&gt;τ ≥ t&lt;/sub&gt; ∂L&lt;sub&gt;τ&lt;/sub&gt;/∂h&lt;sub&gt;t&lt;/sub&gt;；截断 k 只保留 τ − t ≤ k 的项</translation>
    </message>
    <message>
        <source>&lt;b&gt;Loss&lt;/b&gt;: L = Σ&lt;sub&gt;τ&lt;/sub&gt; CE(softmax(W&lt;sub&gt;o&lt;/sub&gt; h&lt;sub&gt;τ&lt;/sub&gt; + b&lt;sub&gt;o&lt;/sub&gt;), y&lt;sub&gt;τ&lt;/sub&gt;)</source>
        <translation>&lt;b&gt;损失&lt;/b&gt;：L = Σ&lt;sub&gt;τ&lt;/sub&gt; CE(softmax(W&lt;sub&gt;o&lt;/sub&gt; h&lt;sub&gt;τ&lt;/sub&gt; + b&lt;sub&gt;o&lt;/sub&gt;), y&lt;sub&gt;τ&lt;/sub&gt;)</translation>
    </message>
</context>
<context>
    <name>EquationsPanel</name>
    <message>
        <source>a&lt;sub&gt;t&lt;/sub&gt;: the auxiliary input (layer 1 only); A = weight_aux_l0, seeded and initialised like W&lt;sub&gt;ih&lt;/sub&gt;. It adds no path between states: J&lt;sub&gt;t&lt;/sub&gt; changes only through the states it moves.</source>
        <translation>a&lt;sub&gt;t&lt;/sub&gt;：辅助输入（仅第 1 层）；A = weight_aux_l0，由种子生成，初始化方式同 W&lt;sub&gt;ih&lt;/sub&gt;。它不在状态之间增加通路：J&lt;sub&gt;t&lt;/sub&gt; 只通过它所改变的状态而变化。</translation>
    </message>
    <message>
        <source>a&lt;sub&gt;t&lt;/sub&gt;: the auxiliary input (layer 1 only); the A blocks, one per gate, are the rows of weight_aux_l0, seeded and initialised like W&lt;sub&gt;ih&lt;/sub&gt;. It adds no path between states: J&lt;sub&gt;t&lt;/sub&gt; changes only through the states and gates it moves.</source>
        <translation>a&lt;sub&gt;t&lt;/sub&gt;：辅助输入（仅第 1 层）；各门各有一个 A 块，即 weight_aux_l0 的各行，由种子生成，初始化方式同 W&lt;sub&gt;ih&lt;/sub&gt;。它不在状态之间增加通路：J&lt;sub&gt;t&lt;/sub&gt; 只通过它所改变的状态和门而变化。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Encoder–decoder&lt;/b&gt;: x&lt;sub&gt;t&lt;/sub&gt; = 0 for t &amp;gt; N = {n} (no output fed back); losses L&lt;sub&gt;τ&lt;/sub&gt; only for τ &amp;gt; T − M = {start}: every ∂L/∂h&lt;sub&gt;t&lt;/sub&gt; of the encoder comes back through the decoder</source>
        <translation>&lt;b&gt;编码器–解码器&lt;/b&gt;：t &amp;gt; N = {n} 时 x&lt;sub&gt;t&lt;/sub&gt; = 0（不回馈输出）；损失 L&lt;sub&gt;τ&lt;/sub&gt; 只在 τ &amp;gt; T − M = {start} 时存在：编码器的每个 ∂L/∂h&lt;sub&gt;t&lt;/sub&gt; 都经由解码器传回</translation>
    </message>
    <message>
        <source>Equations of the selected cell, in the symbols the plots use</source>
        <translation>所选单元的方程，符号与各图一致</translation>
    </message>
    <message>
        <source>What the plots show</source>
        <translation>各图所示</translation>
    </message>
    <message>
        <source>⊙ element-wise product, σ logistic sigmoid, φ the chosen activation.</source>
        <translation>⊙ 逐元素乘积，σ 为逻辑斯谛 sigmoid 函数，φ 为所选激活函数。</translation>
    </message>
</context>
<context>
    <name>Eta</name>
    <message>
        <source>{0} s left</source>
        <translation>剩余 {0} 秒</translation>
    </message>
    <message>
        <source>{0} min {1} s left</source>
        <translation>剩余 {0} 分 {1} 秒</translation>
    </message>
    <message>
        <source>{0} min left</source>
        <translation>剩余 {0} 分钟</translation>
    </message>
    <message>
        <source>{0} h {1:02d} min left</source>
        <translation>剩余 {0} 小时 {1:02d} 分</translation>
    </message>
</context>
<context>
    <name>ExperimentsPanel</name>
    <message>
        <source>Lyapunov exponent {0} (per step)</source>
        <translation>李雅普诺夫指数 {0}（每步）</translation>
    </message>
    <message>
        <source>Lyapunov exponent {0}</source>
        <translation>李雅普诺夫指数 {0}</translation>
    </message>
    <message>
        <source>and</source>
        <translation>和</translation>
    </message>
    <message>
        <source>a range start:stop:num (both ends included) or a list a,b,c</source>
        <translation>范围 start:stop:num（含两端）或列表 a,b,c</translation>
    </message>
    <message>
        <source>gradient reach = largest k with ‖∂s(t₀+k)/∂s(t₀)‖₂ ≥ threshold</source>
        <translation>梯度可达距离 = 满足 ‖∂s(t₀+k)/∂s(t₀)‖₂ ≥ 阈值的最大 k</translation>
    </message>
    <message>
        <source>processes on this machine (not used when a scheduler is set)</source>
        <translation>本机上的进程数（设置调度器后不使用）</translation>
    </message>
    <message>
        <source>this machine</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Address of a Dask scheduler (tcp://host:8786) to run the sweep on its cluster, with the same results as here; empty runs it on this machine. Needs pip install &apos;rnnviz[cluster]&apos; here and rnnviz on the workers. Remembered between sessions.</source>
        <translation>Dask 调度器的地址（tcp://host:8786），在其集群上运行扫描，结果与本机相同；留空则在本机运行。需要在本机执行 pip install &apos;rnnviz[cluster]&apos;，并在各工作节点安装 rnnviz。此设置会被记住。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Sweep parameters of the explorer&apos;s configuration; the rest stays as set there.</source>
        <translation>扫描探索器配置中的参数；其余参数保持探索器中的设置。</translation>
    </message>
    <message>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <source>PNG…</source>
        <translation>PNG…</translation>
    </message>
    <message>
        <source>SVG…</source>
        <translation>SVG…</translation>
    </message>
    <message>
        <source>Vary</source>
        <translation>变化参数</translation>
    </message>
    <message>
        <source>Seeds</source>
        <translation>种子数</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <source>Scheduler</source>
        <translation>调度器</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Sweep definition not restored: {0}</source>
        <translation>未能恢复扫描定义：{0}</translation>
    </message>
    <message>
        <source>Not started: {0}</source>
        <translation>未开始：{0}</translation>
    </message>
    <message>
        <source>0/{0} runs</source>
        <translation>0/{0} 次运行</translation>
    </message>
    <message>
        <source>Running {0} runs on {1} worker(s)…</source>
        <translation>正在用 {1} 个工作进程执行 {0} 次运行…</translation>
    </message>
    <message>
        <source>Running {0} runs on the Dask cluster at {1}…</source>
        <translation>正在 {1} 处的 Dask 集群上执行 {0} 次运行…</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>{0}/{1} runs</source>
        <translation>{0}/{1} 次运行</translation>
    </message>
    <message>
        <source>%p%</source>
        <translation>%p%</translation>
    </message>
    <message>
        <source> of the Dask cluster at {0}</source>
        <translation>（位于 {0} 的 Dask 集群）</translation>
    </message>
    <message>
        <source>{0} runs in {1:.1f} s on {2} worker(s){3}. Click a point to open it in the explorer.</source>
        <translation>{0} 次运行，用时 {1:.1f} 秒，{2} 个工作进程{3}。点击某一点即可在探索器中打开它。</translation>
    </message>
    <message>
        <source>Sweep failed: {0}</source>
        <translation>扫描失败：{0}</translation>
    </message>
    <message>
        <source>run a sweep first</source>
        <translation>请先运行一次扫描</translation>
    </message>
    <message>
        <source>unknown export format {0!r}; use .csv, .png or .svg</source>
        <translation>未知的导出格式 {0!r}；请使用 .csv、.png 或 .svg</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>SVG image (*.svg)</source>
        <translation>SVG 图像 (*.svg)</translation>
    </message>
    <message>
        <source>Export sweep</source>
        <translation>导出扫描</translation>
    </message>
    <message>
        <source>Export failed: {0}</source>
        <translation>导出失败：{0}</translation>
    </message>
    <message>
        <source>Wrote {0}</source>
        <translation>已写入 {0}</translation>
    </message>
</context>
<context>
    <name>ExplanationDialog</name>
    <message>
        <source>About this plot: {0}</source>
        <translation>关于此图：{0}</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>precision: spectral norms by Lanczos to tolerance {0:.0e} (anchor curve) and {1:.0e} (t, k map), relative; rnnviz analyze gives exact norms</source>
        <translation>精度：谱范数由 Lanczos 方法求得，相对容差为 {0:.0e}（锚点曲线）和 {1:.0e}（(t, k) 图）；rnnviz analyze 给出精确范数</translation>
    </message>
</context>
<context>
    <name>Exporter</name>
    <message>
        <source>CSV of original plot data</source>
        <translation>原始绘图数据（CSV）</translation>
    </message>
    <message>
        <source>separator</source>
        <translation>分隔符</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>columnMode</source>
        <translation>列的排列</translation>
    </message>
    <message>
        <source>HDF5 Export: plot (x,y)</source>
        <translation>HDF5 导出：曲线 (x,y)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Image File (PNG, TIF, JPG, ...)</source>
        <translation>图像文件（PNG、TIF、JPG 等）</translation>
    </message>
    <message>
        <source>width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>height</source>
        <translation>高度</translation>
    </message>
    <message>
        <source>antialias</source>
        <translation>抗锯齿</translation>
    </message>
    <message>
        <source>background</source>
        <translation>背景</translation>
    </message>
    <message>
        <source>invertValue</source>
        <translation>反转数值</translation>
    </message>
    <message>
        <source>Matplotlib Window</source>
        <translation>Matplotlib 窗口</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Print Document</source>
        <translation>打印文档</translation>
    </message>
    <message>
        <source>Scalable Vector Graphics (SVG)</source>
        <translation>可缩放矢量图形（SVG）</translation>
    </message>
    <message>
        <source>scaling stroke</source>
        <translation>线宽随缩放</translation>
    </message>
    <message>
        <source>Scalable Vector Graphics</source>
        <translation>可缩放矢量图形</translation>
    </message>
</context>
<context>
    <name>FileOpener</name>
    <message>
        <source>Networks ({patterns});;All files (*)</source>
        <translation>网络 ({patterns});;所有文件 (*)</translation>
    </message>
    <message>
        <source>Input arrays (*.npy *.csv);;Text in a trainer checkpoint&apos;s vocabulary (*.txt *.text *.md);;All files (*)</source>
        <translation>输入数组 (*.npy *.csv);;使用训练器检查点词表的文本 (*.txt *.text *.md);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open network</source>
        <translation>打开网络</translation>
    </message>
    <message>
        <source>Open inputs</source>
        <translation>打开输入</translation>
    </message>
    <message>
        <source>Reading network {name} …</source>
        <translation>正在读取网络 {name} …</translation>
    </message>
    <message>
        <source>Reading inputs {name} …</source>
        <translation>正在读取输入 {name} …</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无内容</translation>
    </message>
    <message>
        <source>Cannot open {names}: drop a network ({networks}) or inputs ({inputs})</source>
        <translation>无法打开 {names}：请拖入网络（{networks}）或输入（{inputs}）</translation>
    </message>
    <message>
        <source>Could not open the network</source>
        <translation>无法打开网络</translation>
    </message>
    <message>
        <source>Could not open the inputs</source>
        <translation>无法打开输入</translation>
    </message>
    <message>
        <source>Could not read the session&apos;s files</source>
        <translation>无法读取会话引用的文件</translation>
    </message>
    <message>
        <source> · the inputs {name} (input {width}) do not fit it: generated inputs instead</source>
        <translation> · 输入 {name}（宽度 {width}）与它不匹配：改用生成的输入</translation>
    </message>
    <message>
        <source>network {name}</source>
        <translation>网络 {name}</translation>
    </message>
    <message>
        <source>Analysing network {name} ({description}){notice}</source>
        <translation>正在分析网络 {name}（{description}）{notice}</translation>
    </message>
    <message>
        <source>Could not open the inputs: {name} has shape {found}; the network {network} expects (T, {size}) or (T, batch, {size})</source>
        <translation>无法打开输入：{name} 的形状为 {found}；网络 {network} 需要 (T, {size}) 或 (T, 批, {size})</translation>
    </message>
    <message>
        <source>inputs {name}</source>
        <translation>输入 {name}</translation>
    </message>
    <message>
        <source>, batch = {batch}</source>
        <translation>，批 = {batch}</translation>
    </message>
    <message>
        <source>Analysing inputs {name} (T = {steps}{batch}){note}</source>
        <translation>正在分析输入 {name}（T = {steps}{batch}）{note}</translation>
    </message>
    <message>
        <source>The session&apos;s {what} entry is not valid; generated {what} are shown</source>
        <translation>会话中的{what}条目无效；显示的是生成的{what}</translation>
    </message>
    <message>
        <source>network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>The session analysed the {what} {path}, which is missing: generated {what} are shown</source>
        <translation>会话分析的{what} {path} 已不存在：显示的是生成的{what}</translation>
    </message>
    <message>
        <source>The session&apos;s {what} {path} has changed since the session was saved (its SHA-256 differs): generated {what} are shown; open it again to analyse it as it is now</source>
        <translation>会话中的{what} {path} 在保存会话之后已改变（SHA-256 不同）：显示的是生成的{what}；重新打开它即可按其现状分析</translation>
    </message>
    <message>
        <source>The session&apos;s {what} {path} cannot be read ({detail}): generated {what} are shown</source>
        <translation>无法读取会话中的{what} {path}（{detail}）：显示的是生成的{what}</translation>
    </message>
</context>
<context>
    <name>FlowMapPanel</name>
    <message>
        <source>Gradient-flow map</source>
        <translation>梯度流图</translation>
    </message>
    <message>
        <source>anchor t₀</source>
        <translation>锚点 t₀</translation>
    </message>
    <message>
        <source>distance k</source>
        <translation>距离 k</translation>
    </message>
    <message>
        <source>spectral norm ‖·‖₂</source>
        <translation>谱范数 ‖·‖₂</translation>
    </message>
    <message>
        <source>spectral norm ‖·‖&lt;sub&gt;2&lt;/sub&gt;</source>
        <translation>谱范数 ‖·‖&lt;sub&gt;2&lt;/sub&gt;</translation>
    </message>
    <message>
        <source>Frobenius norm</source>
        <translation>Frobenius 范数</translation>
    </message>
    <message>
        <source>Frobenius norm ‖·‖&lt;sub&gt;F&lt;/sub&gt;</source>
        <translation>Frobenius 范数 ‖·‖&lt;sub&gt;F&lt;/sub&gt;</translation>
    </message>
    <message>
        <source>Which matrix norm of the Jacobian product the map shows</source>
        <translation>图中显示雅可比矩阵乘积的哪种矩阵范数</translation>
    </message>
    <message>
        <source>Norm:</source>
        <translation>范数：</translation>
    </message>
    <message>
        <source>Click a cell: its anchor becomes t₀.</source>
        <translation>点击一个格子：其锚点即成为 t₀。</translation>
    </message>
    <message>
        <source>Gradient-flow map (computing …)</source>
        <translation>梯度流图（计算中 …）</translation>
    </message>
    <message>
        <source> (steps {0}–{1} of {2}: time budget)</source>
        <translation>（第 {0}–{1} 步，共 {2} 步：计算时间预算）</translation>
    </message>
    <message>
        <source> (k ≤ {0}: memory budget)</source>
        <translation>（k ≤ {0}：内存预算）</translation>
    </message>
    <message>
        <source>Gradient-flow map (not computed: over the memory budget)</source>
        <translation>梯度流图（未计算：超出内存预算）</translation>
    </message>
    <message>
        <source>Map, k ≤ {0} (memory budget)</source>
        <translation>梯度流图，k ≤ {0}（内存预算）</translation>
    </message>
    <message>
        <source>Map, steps {0}–{1} (time budget)</source>
        <translation>梯度流图，第 {0}–{1} 步（时间预算）</translation>
    </message>
    <message>
        <source>Gradient-flow map{0}</source>
        <translation>梯度流图{0}</translation>
    </message>
</context>
<context>
    <name>Form</name>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Item to export:</source>
        <translation>导出对象：</translation>
    </message>
    <message>
        <source>Export format</source>
        <translation>导出格式</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Export options</source>
        <translation>导出选项</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>PyQtGraph</source>
        <translation>PyQtGraph</translation>
    </message>
    <message>
        <source>Link Axis:</source>
        <translation>联动坐标轴：</translation>
    </message>
    <message>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Links this axis with another view. When linked, both views will display the same data range.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;将此坐标轴与另一视图联动。联动后，两个视图显示相同的数据范围。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Percent of data to be visible when auto-scaling. It may be useful to decrease this value for data with spiky noise.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;自动缩放时可见数据所占的百分比。数据含有尖峰噪声时，可适当减小此值。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Automatically resize this axis whenever the displayed data is changed.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;显示的数据改变时自动调整此坐标轴的范围。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Set the range for this axis manually. This disables automatic scaling. &lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;手动设置此坐标轴的范围，同时关闭自动缩放。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Minimum value to display for this axis.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;此坐标轴显示的最小值。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <source>0</source>
        <translation>0</translation>
    </message>
    <message>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Maximum value to display for this axis.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;此坐标轴显示的最大值。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Inverts the display of this axis. (+y points downward instead of upward)&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;反转此坐标轴的方向（+y 朝下而不是朝上）。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <source>Invert Axis</source>
        <translation>反转坐标轴</translation>
    </message>
    <message>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Enables mouse interaction (panning, scaling) for this axis.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;允许用鼠标操作此坐标轴（平移、缩放）。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <source>Mouse Enabled</source>
        <translation>允许鼠标操作</translation>
    </message>
    <message>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;When checked, the axis will only auto-scale to data that is visible along the orthogonal axis.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;选中后，此坐标轴只按另一坐标轴方向上可见的数据自动缩放。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <source>Visible Data Only</source>
        <translation>仅按可见数据</translation>
    </message>
    <message>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;When checked, the axis will automatically pan to center on the current data, but the scale along this axis will not change.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;选中后，此坐标轴自动平移使当前数据居中，但比例不变。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <source>Auto Pan Only</source>
        <translation>仅自动平移</translation>
    </message>
    <message>
        <source>Display averages of the curves displayed in this plot. The parameter list allows you to choose parameters to average over (if any are available).</source>
        <translation>显示本图中各曲线的平均。可在参数列表中选择对哪些参数求平均（如有）。</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>Plot only the portion of each curve that is visible. This assumes X values are uniformly spaced.</source>
        <translation>只绘制每条曲线的可见部分（假定 X 值等间距）。</translation>
    </message>
    <message>
        <source>Clip to View</source>
        <translation>裁剪到视图</translation>
    </message>
    <message>
        <source>If multiple curves are displayed in this plot, check this box to limit the number of traces that are displayed.</source>
        <translation>本图显示多条曲线时，选中此项可限制显示的曲线条数。</translation>
    </message>
    <message>
        <source>Max Traces:</source>
        <translation>最多曲线数：</translation>
    </message>
    <message>
        <source>Downsample</source>
        <translation>降采样</translation>
    </message>
    <message>
        <source>Downsample by drawing a saw wave that follows the min and max of the original data. This method produces the best visual representation of the data but is slower.</source>
        <translation>以跟随原始数据最小值与最大值的锯齿波降采样。此法最能保留数据的外观，但较慢。</translation>
    </message>
    <message>
        <source>Peak</source>
        <translation>峰值</translation>
    </message>
    <message>
        <source>If multiple curves are displayed in this plot, check &quot;Max Traces&quot; and set this value to limit the number of traces that are displayed.</source>
        <translation>本图显示多条曲线时，选中“最多曲线数”并设置此值，以限制显示的曲线条数。</translation>
    </message>
    <message>
        <source>If MaxTraces is checked, remove curves from memory after they are hidden (saves memory, but traces can not be un-hidden).</source>
        <translation>选中“最多曲线数”时，曲线隐藏后即从内存中移除（节省内存，但无法再显示）。</translation>
    </message>
    <message>
        <source>Forget hidden traces</source>
        <translation>丢弃隐藏的曲线</translation>
    </message>
    <message>
        <source>Downsample by taking the mean of N samples.</source>
        <translation>取每 N 个样本的均值降采样。</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>Downsample by taking the first of N samples. This method is fastest and least accurate.</source>
        <translation>取每 N 个样本中的第一个降采样。此法最快，也最不精确。</translation>
    </message>
    <message>
        <source>Subsample</source>
        <translation>抽样</translation>
    </message>
    <message>
        <source>Automatically downsample data based on the visible range. This assumes X values are uniformly spaced.</source>
        <translation>按可见范围自动降采样（假定 X 值等间距）。</translation>
    </message>
    <message>
        <source>Downsample data before plotting. (plot every Nth sample)</source>
        <translation>绘图前先降采样（每 N 个样本绘一个）。</translation>
    </message>
    <message>
        <source>x</source>
        <translation>x</translation>
    </message>
    <message>
        <source>Log X</source>
        <translation>X 取对数</translation>
    </message>
    <message>
        <source>dy/dx</source>
        <translation>dy/dx</translation>
    </message>
    <message>
        <source>Y vs. Y&apos;</source>
        <translation>Y 对 Y′</translation>
    </message>
    <message>
        <source>Power Spectrum (FFT)</source>
        <translation>功率谱（FFT）</translation>
    </message>
    <message>
        <source>Log Y</source>
        <translation>Y 取对数</translation>
    </message>
    <message>
        <source>Subtract Mean</source>
        <translation>减去均值</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>数据点</translation>
    </message>
    <message>
        <source>Show X Grid</source>
        <translation>显示 X 网格</translation>
    </message>
    <message>
        <source>Show Y Grid</source>
        <translation>显示 Y 网格</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>透明度</translation>
    </message>
</context>
<context>
    <name>GatesPanel</name>
    <message>
        <source>&lt;b&gt;The Elman RNN has no gates.&lt;/b&gt;&lt;br&gt;Its only nonlinearity is φ in&lt;br&gt;hₜ = φ(W&lt;sub&gt;ih&lt;/sub&gt;xₜ + W&lt;sub&gt;hh&lt;/sub&gt;hₜ₋₁ + b).&lt;br&gt;See the hidden state (plot 6)&lt;br&gt;for saturated or dead units,&lt;br&gt;and the spectrum for γ·σ&lt;sub&gt;max&lt;/sub&gt;.</source>
        <translation>&lt;b&gt;Elman RNN 没有门。&lt;/b&gt;&lt;br&gt;它唯一的非线性在于&lt;br&gt;hₜ = φ(W&lt;sub&gt;ih&lt;/sub&gt;xₜ + W&lt;sub&gt;hh&lt;/sub&gt;hₜ₋₁ + b) 中的 φ。&lt;br&gt;饱和或失活的单元&lt;br&gt;见隐藏状态（图 6），&lt;br&gt;γ·σ&lt;sub&gt;max&lt;/sub&gt; 见谱图。</translation>
    </message>
    <message>
        <source>Gates (units × time)</source>
        <translation>门（单元 × 时间）</translation>
    </message>
    <message>
        <source>time t</source>
        <translation>时间 t</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>saturated</source>
        <translation>饱和</translation>
    </message>
    <message>
        <source>Gates, layer {0}, forward (units × time)</source>
        <translation>门，第 {0} 层，正向（单元 × 时间）</translation>
    </message>
    <message>
        <source>Gates, layer {0}, forward</source>
        <translation>门，第 {0} 层，正向</translation>
    </message>
    <message>
        <source>Gates, layer {0} (units × time)</source>
        <translation>门，第 {0} 层（单元 × 时间）</translation>
    </message>
    <message>
        <source>Gates, layer {0}</source>
        <translation>门，第 {0} 层</translation>
    </message>
    <message>
        <source>{0}: t = {1}, unit {2}: {3:.3f}</source>
        <translation>{0}：t = {1}，单元 {2}：{3:.3f}</translation>
    </message>
    <message>
        <source>{0}: mean {1:.3f}</source>
        <translation>{0}：均值 {1:.3f}</translation>
    </message>
    <message>
        <source>, saturated {0:.0%}</source>
        <translation>，饱和 {0:.0%}</translation>
    </message>
</context>
<context>
    <name>GraphicsScene</name>
    <message>
        <source>Export...</source>
        <translation>导出…</translation>
    </message>
</context>
<context>
    <name>Heatmap</name>
    <message>
        <source>Every cell is {0}</source>
        <translation>每个格子都是 {0}</translation>
    </message>
</context>
<context>
    <name>HiddenPanel</name>
    <message>
        <source>Hidden state hₜ (layer 1)</source>
        <translation>隐藏状态 hₜ（第 1 层）</translation>
    </message>
    <message>
        <source>time t</source>
        <translation>时间 t</translation>
    </message>
    <message>
        <source>Cell state cₜ (layer 1)</source>
        <translation>细胞状态 cₜ（第 1 层）</translation>
    </message>
    <message>
        <source>{0}: t = {1}, unit {2}: {3:.4g}</source>
        <translation>{0}：t = {1}，单元 {2}：{3:.4g}</translation>
    </message>
</context>
<context>
    <name>LanguageSwitch</name>
    <message>
        <source>A training run is {0} in the Trainer tab. Stop it (or let it finish), then choose the language again: a running run is not carried into the rebuilt window.</source>
        <translation>训练器选项卡中有一次训练{0}。请先停止训练（或等它结束），再选择语言：正在进行的训练不会带入重建的窗口。</translation>
    </message>
    <message>
        <source>A sweep is running in the Experiments tab. Let it finish (or cancel it), then choose the language again.</source>
        <translation>实验选项卡中有一次扫描正在运行。请等它结束（或取消它），再选择语言。</translation>
    </message>
</context>
<context>
    <name>Launch</name>
    <message>
        <source>{0}, {1} layer(s), H = {2}</source>
        <translation>{0}，{1} 层，H = {2}</translation>
    </message>
    <message>
        <source>from Python: {0}</source>
        <translation>来自 Python：{0}</translation>
    </message>
</context>
<context>
    <name>Lessons</name>
    <message>
        <source>{0}: the json block</source>
        <translation>{0}：json 块</translation>
    </message>
    <message>
        <source>{0}: the json block must be an object with {1}</source>
        <translation>{0}：json 块必须是含有 {1} 的对象</translation>
    </message>
    <message>
        <source>{0}: unknown key(s) {1} in the json block; use {2}</source>
        <translation>{0}：json 块中有未知的键 {1}；请使用 {2}</translation>
    </message>
    <message>
        <source>{0}: &apos;config&apos; must be an object of configuration fields</source>
        <translation>{0}：&apos;config&apos; 必须是由配置字段组成的对象</translation>
    </message>
    <message>
        <source>{0}: focus must be one of {1}, got {2!r}</source>
        <translation>{0}：focus 必须是 {1} 之一，得到的是 {2!r}</translation>
    </message>
    <message>
        <source>{0}: tab must be one of {1}, got {2!r}</source>
        <translation>{0}：tab 必须是 {1} 之一，得到的是 {2!r}</translation>
    </message>
    <message>
        <source>{0}: focus names an explorer plot, so tab must be explorer</source>
        <translation>{0}：focus 指定的是探索器中的图，因此 tab 必须为 explorer</translation>
    </message>
    <message>
        <source>{0}: unexpected heading {1!r} (steps are &apos;## &apos; sections with two &apos;### &apos; parts)</source>
        <translation>{0}：意外的标题 {1!r}（每一步是一个 &apos;## &apos; 小节，含两个 &apos;### &apos; 部分）</translation>
    </message>
    <message>
        <source>{0}: the json block is not closed</source>
        <translation>{0}：json 块没有闭合</translation>
    </message>
    <message>
        <source>{0}: a step has at most one json block, found {1}</source>
        <translation>{0}：每一步最多一个 json 块，实际有 {1} 个</translation>
    </message>
    <message>
        <source>{0}: a step needs two &apos;### &apos; parts (try this, what you should see), found {1}</source>
        <translation>{0}：每一步需要两个 &apos;### &apos; 部分（试一试、应看到的现象），实际有 {1} 个</translation>
    </message>
    <message>
        <source>{0}: the step has no title</source>
        <translation>{0}：这一步没有标题</translation>
    </message>
    <message>
        <source>{0}: the parts &apos;{1}&apos; and &apos;{2}&apos; must not be empty</source>
        <translation>{0}：&apos;{1}&apos; 和 &apos;{2}&apos; 两部分不能为空</translation>
    </message>
    <message>
        <source>lesson {0}: unexpected heading {1!r} before the first step</source>
        <translation>课程 {0}：第一步之前出现意外的标题 {1!r}</translation>
    </message>
    <message>
        <source>lesson {0}: the file must start with a &apos;# &apos; title line</source>
        <translation>课程 {0}：文件必须以 &apos;# &apos; 标题行开头</translation>
    </message>
    <message>
        <source>lesson {0}: no &apos;# &apos; title line</source>
        <translation>课程 {0}：没有 &apos;# &apos; 标题行</translation>
    </message>
    <message>
        <source>lesson {0}: no steps (&apos;## &apos; sections)</source>
        <translation>课程 {0}：没有步骤（&apos;## &apos; 小节）</translation>
    </message>
    <message>
        <source>lesson {0}, step {1}</source>
        <translation>课程 {0}，第 {1} 步</translation>
    </message>
    <message>
        <source>lesson {0}: larger than {1} kB; not a lesson file?</source>
        <translation>课程 {0}：大于 {1} kB；这不是课程文件吧？</translation>
    </message>
    <message>
        <source>lesson {0}: cannot read ({1})</source>
        <translation>课程 {0}：无法读取（{1}）</translation>
    </message>
    <message>
        <source>unknown lesson {0!r}; available: {1}</source>
        <translation>未知的课程 {0!r}；可用的有：{1}</translation>
    </message>
    <message>
        <source>unknown lesson {0!r}</source>
        <translation>未知的课程 {0!r}</translation>
    </message>
</context>
<context>
    <name>LessonsPanel</name>
    <message>
        <source>The course&apos;s lessons, and the lesson files you opened</source>
        <translation>课程的各节课，以及你打开的课程文件</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一步</translation>
    </message>
    <message>
        <source>The previous step (Page Up in presentation mode)</source>
        <translation>上一步（演示模式下按 Page Up）</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Set this step&apos;s configuration and show its plot</source>
        <translation>设置本步的配置并显示其图</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一步 ▶</translation>
    </message>
    <message>
        <source>The next step (Page Down in presentation mode)</source>
        <translation>下一步（演示模式下按 Page Down）</translation>
    </message>
    <message>
        <source>Step {0} of {1}</source>
        <translation>第 {0} 步，共 {1} 步</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Explorer</source>
        <translation>探索器</translation>
    </message>
    <message>
        <source>Experiments</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>训练器</translation>
    </message>
    <message>
        <source>Controls</source>
        <translation>控件</translation>
    </message>
    <message>
        <source>Equations</source>
        <translation>方程</translation>
    </message>
    <message>
        <source>Lessons unavailable: {0}</source>
        <translation>课程不可用：{0}</translation>
    </message>
    <message>
        <source>Lessons</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Compare holds four pins already: remove one first</source>
        <translation>“比较”中已有四个固定项：请先移除一个</translation>
    </message>
    <message>
        <source>Pinned {0} (Compare tab)</source>
        <translation>已固定 {0}（见“比较”标签页）</translation>
    </message>
    <message>
        <source>trained {0} language model ({1} layer(s), H = {2})</source>
        <translation>训练所得的 {0} 语言模型（{1} 层，H = {2}）</translation>
    </message>
    <message>
        <source>trained language model</source>
        <translation>训练所得的语言模型</translation>
    </message>
    <message>
        <source>Explorer shows the trained model on: “{0}…”</source>
        <translation>探索器显示训练所得模型在此文本上的情况：“{0}…”</translation>
    </message>
    <message>
        <source>Open lesson</source>
        <translation>打开课程</translation>
    </message>
    <message>
        <source>All plots</source>
        <translation>全部图</translation>
    </message>
    <message>
        <source>Show only the {0} plot</source>
        <translation>只显示“{0}”图</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <comment>a tooltip: what the button does (its shortcut)</comment>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>Time the engine took for the cheap plots, and for the full (t, k) map</source>
        <translation>引擎计算快速各图以及完整 (t, k) 图所用的时间</translation>
    </message>
    <message>
        <source>Progress of the (t, k) gradient-flow map</source>
        <translation>(t, k) 梯度流图的进度</translation>
    </message>
    <message>
        <source>gradient check: not run</source>
        <translation>梯度检验：未运行</translation>
    </message>
    <message>
        <source>Central finite differences in float64 against the analytic BPTT gradient</source>
        <translation>以 float64 中心有限差分对照随时间反向传播的解析梯度</translation>
    </message>
    <message>
        <source>Check gradients</source>
        <translation>检验梯度</translation>
    </message>
    <message>
        <source>Run a finite-difference gradient check of the current configuration (Ctrl+G)</source>
        <translation>对当前配置进行有限差分梯度检验（Ctrl+G）</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Analyse the trained model again (Ctrl+Z)</source>
        <translation>重新分析训练所得的模型（Ctrl+Z）</translation>
    </message>
    <message>
        <source>norms: Lanczos {0:.0e}</source>
        <translation>范数：Lanczos {0:.0e}</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open session…</source>
        <translation>打开会话(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a saved session (JSON)</source>
        <translation>打开已保存的会话（JSON）</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save session</source>
        <translation>保存会话(&amp;S)</translation>
    </message>
    <message>
        <source>Save the current configuration</source>
        <translation>保存当前配置</translation>
    </message>
    <message>
        <source>Save session &amp;as…</source>
        <translation>会话另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the current configuration under a new name</source>
        <translation>以新名称保存当前配置</translation>
    </message>
    <message>
        <source>Open &amp;lesson…</source>
        <translation>打开课程(&amp;L)…</translation>
    </message>
    <message>
        <source>Open a lesson file (Markdown with a configuration per step)</source>
        <translation>打开课程文件（Markdown，每一步附一个配置）</translation>
    </message>
    <message>
        <source>Export &amp;plot</source>
        <translation>导出图(&amp;P)</translation>
    </message>
    <message>
        <source>{0}…</source>
        <translation>{0}…</translation>
    </message>
    <message>
        <source>Save the {0} plot as PNG or SVG, or its data as CSV</source>
        <translation>将“{0}”图保存为 PNG 或 SVG，或将其数据保存为 CSV</translation>
    </message>
    <message>
        <source>&amp;Export all…</source>
        <translation>全部导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Every plot as PNG, SVG and CSV plus the session, into a folder</source>
        <translation>将每幅图导出为 PNG、SVG 和 CSV，连同会话一起存入一个文件夹</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close rnnviz</source>
        <translation>关闭 rnnviz</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo: back to the trained model</source>
        <translation>撤销：回到训练所得的模型(&amp;U)</translation>
    </message>
    <message>
        <source>Analyse the trained model&apos;s weights again after a change replaced them</source>
        <translation>在某次更改替换了训练所得模型的权重之后，重新分析这些权重</translation>
    </message>
    <message>
        <source>P&amp;resets</source>
        <translation>预设(&amp;R)</translation>
    </message>
    <message>
        <source>(presets unavailable: {0})</source>
        <translation>（预设不可用：{0}）</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Recompute</source>
        <translation>重新计算(&amp;R)</translation>
    </message>
    <message>
        <source>Compute everything again for the current configuration</source>
        <translation>为当前配置重新计算全部内容</translation>
    </message>
    <message>
        <source>&amp;Presentation mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Full screen, large fonts and thick lines for lectures</source>
        <translation>全屏、大字体、粗线条，适合课堂讲授</translation>
    </message>
    <message>
        <source>Show &amp;all plots</source>
        <translation>显示全部图(&amp;A)</translation>
    </message>
    <message>
        <source>Show all seven plots</source>
        <translation>显示全部七幅图</translation>
    </message>
    <message>
        <source>Open &amp;network…</source>
        <translation>打开网络(&amp;N)…</translation>
    </message>
    <message>
        <source>Analyse a network from a file: .npz, .safetensors, PyTorch .pt/.pth, ONNX, or a trainer checkpoint (or drop the file onto the window)</source>
        <translation>分析文件中的网络：.npz、.safetensors、PyTorch .pt/.pth、ONNX 或训练器检查点（也可把文件拖到窗口上）</translation>
    </message>
    <message>
        <source>Open &amp;inputs…</source>
        <translation>打开输入(&amp;I)…</translation>
    </message>
    <message>
        <source>Feed the network inputs from a file: (T, input) or (T, batch, input) arrays as .npy or .csv, or text in a trainer checkpoint&apos;s vocabulary</source>
        <translation>从文件向网络送入输入：形状为 (T, 输入维度) 或 (T, 批, 输入维度) 的 .npy 或 .csv 数组，或使用训练器检查点词表的文本</translation>
    </message>
    <message>
        <source>Back to all seven plots (double-click a plot to show it alone)</source>
        <translation>回到全部七幅图（双击某幅图可单独显示）</translation>
    </message>
    <message>
        <source>&amp;Fit plots to their data</source>
        <translation>使各图适配其数据(&amp;F)</translation>
    </message>
    <message>
        <source>Undo every zoom and pan: each plot shows all of its data again</source>
        <translation>撤销所有缩放与平移：每幅图重新显示其全部数据</translation>
    </message>
    <message>
        <source>Show one &amp;plot</source>
        <translation>显示单幅图(&amp;P)</translation>
    </message>
    <message>
        <source>The course&apos;s guided lessons, step by step</source>
        <translation>课程的引导式课程，逐步进行</translation>
    </message>
    <message>
        <source>&amp;Next lesson step</source>
        <translation>课程下一步(&amp;N)</translation>
    </message>
    <message>
        <source>Presentation mode: the lesson&apos;s next step, set up</source>
        <translation>演示模式：课程的下一步，并完成设置</translation>
    </message>
    <message>
        <source>Pre&amp;vious lesson step</source>
        <translation>课程上一步(&amp;V)</translation>
    </message>
    <message>
        <source>Presentation mode: the lesson&apos;s previous step, set up</source>
        <translation>演示模式：课程的上一步，并完成设置</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>Check &amp;gradients</source>
        <translation>检验梯度(&amp;G)</translation>
    </message>
    <message>
        <source>Finite-difference check of the analytic gradients</source>
        <translation>用有限差分检验解析梯度</translation>
    </message>
    <message>
        <source>&amp;Pin configuration for comparison</source>
        <translation>固定配置以供比较(&amp;P)</translation>
    </message>
    <message>
        <source>Add the current configuration to the Compare tab (up to four)</source>
        <translation>将当前配置加入“比较”标签页（最多四个）</translation>
    </message>
    <message>
        <source>&amp;Memory budget…</source>
        <translation>内存预算(&amp;M)…</translation>
    </message>
    <message>
        <source>The most memory one configuration may take: beyond it the map is shortened or the configuration refused, with the estimate</source>
        <translation>单个配置可占用的最大内存：超出时缩短梯度流图或拒绝该配置，并给出估计值</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>List the keyboard shortcuts</source>
        <translation>列出键盘快捷键</translation>
    </message>
    <message>
        <source>Click a plot to read what it shows (or use its ? button)</source>
        <translation>点击某幅图，阅读它显示的内容（或使用其 ? 按钮）</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>The language of the computer&apos;s locale (English where rnnviz has none)</source>
        <translation>计算机区域设置的语言（rnnviz 没有该语言时使用英语）</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>Simplified Chinese</source>
        <translation>简体中文</translation>
    </message>
    <message>
        <source>Language: {0}</source>
        <translation>语言：{0}</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>gradient check: error</source>
        <translation>梯度检验：出错</translation>
    </message>
    <message>
        <source>{0} could not be drawn: {1}: {2}</source>
        <translation>无法绘制“{0}”：{1}：{2}</translation>
    </message>
    <message>
        <source>plots {0:.0f} ms · map …</source>
        <translation>各图 {0:.0f} 毫秒 · 梯度流图 …</translation>
    </message>
    <message>
        <source>computing …</source>
        <translation>计算中 …</translation>
    </message>
    <message>
        <source>map {0:.0f} ms</source>
        <translation>梯度流图 {0:.0f} 毫秒</translation>
    </message>
    <message>
        <source>map done</source>
        <translation>梯度流图完成</translation>
    </message>
    <message>
        <source>plots {0:.0f} ms · {1}</source>
        <translation>各图 {0:.0f} 毫秒 · {1}</translation>
    </message>
    <message>
        <source>Memory budget</source>
        <translation>内存预算</translation>
    </message>
    <message>
        <source>Gigabytes for one configuration:</source>
        <translation>单个配置可用的内存（GB）：</translation>
    </message>
    <message>
        <source>Memory budget: {0:g} GB</source>
        <translation>内存预算：{0:g} GB</translation>
    </message>
    <message>
        <source>gradient check: running …</source>
        <translation>梯度检验：运行中 …</translation>
    </message>
    <message>
        <source>gradient check: unavailable</source>
        <translation>梯度检验：不可用</translation>
    </message>
    <message>
        <source>passed ✓</source>
        <translation>通过 ✓</translation>
    </message>
    <message>
        <source>FAILED ✗</source>
        <translation>未通过 ✗</translation>
    </message>
    <message>
        <source>gradient check {0} (max rel. error {1:.1e})</source>
        <translation>梯度检验{0}（最大相对误差 {1:.1e}）</translation>
    </message>
    <message>
        <source>gradient check failed</source>
        <translation>梯度检验失败</translation>
    </message>
    <message>
        <source>&amp;Undo: back to the {label}</source>
        <translation>撤销：回到{label}(&amp;U)</translation>
    </message>
    <message>
        <source>Analyse the {label} again (Ctrl+Z)</source>
        <translation>重新分析{label}（Ctrl+Z）</translation>
    </message>
    <message>
        <source>{0} · Ctrl+Z or Undo goes back</source>
        <translation>{0} · 按 Ctrl+Z 或“撤销”可回退</translation>
    </message>
    <message>
        <source>Analysing the {label} again</source>
        <translation>重新分析{label}</translation>
    </message>
    <message>
        <source>Ctrl+O open session · Ctrl+Shift+O open network · Ctrl+Shift+I open inputs · Ctrl+S save · Ctrl+Shift+S save as · Ctrl+E export all · F5 recompute · F11 presentation mode · Alt+1…7 show one plot (or double-click it) · Esc all plots · Ctrl+G check gradients · Ctrl+P pin for comparison · Ctrl+Z back to the trained model · Ctrl+L lessons · Page Up/Down lesson steps (presentation mode) · Shift+F1 what&apos;s this (click a plot) · F1 this help · Ctrl+Q quit</source>
        <translation>Ctrl+O 打开会话 · Ctrl+Shift+O 打开网络 · Ctrl+Shift+I 打开输入 · Ctrl+S 保存 · Ctrl+Shift+S 另存为 · Ctrl+E 全部导出 · F5 重新计算 · F11 演示模式 · Alt+1…7 显示单幅图（或双击该图） · Esc 全部图 · Ctrl+G 检验梯度 · Ctrl+P 固定以供比较 · Ctrl+Z 回到训练所得的模型 · Ctrl+L 课程 · Page Up/Down 课程步骤（演示模式） · Shift+F1 这是什么（点击某幅图） · F1 本帮助 · Ctrl+Q 退出</translation>
    </message>
    <message>
        <source>F11: leave · Alt+1…7: one plot · Esc: all</source>
        <translation>F11：退出 · Alt+1…7：单幅图 · Esc：全部</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Preset: {0} · {1}</source>
        <translation>预设：{0} · {1}</translation>
    </message>
    <message>
        <source>Preset: {0}</source>
        <translation>预设：{0}</translation>
    </message>
    <message>
        <source>sweep definition</source>
        <translation>扫描定义</translation>
    </message>
    <message>
        <source>pins</source>
        <translation>固定项</translation>
    </message>
    <message>
        <source>The session&apos;s {0} could not be read and were left as they were</source>
        <translation>无法读取会话中的{0}，保持原样</translation>
    </message>
    <message>
        <source> and </source>
        <translation>和</translation>
    </message>
    <message>
        <source>Could not open session: {0}</source>
        <translation>无法打开会话：{0}</translation>
    </message>
    <message>
        <source>Opened {0}</source>
        <translation>已打开 {0}</translation>
    </message>
    <message>
        <source>Could not save session: {0}</source>
        <translation>无法保存会话：{0}</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>Could not open session: {0} no longer exists</source>
        <translation>无法打开会话：{0} 已不存在</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG image (*.svg);;CSV data (*.csv)</source>
        <translation>PNG 图像 (*.png);;SVG 图像 (*.svg);;CSV 数据 (*.csv)</translation>
    </message>
    <message>
        <source>Export {0}</source>
        <translation>导出“{0}”</translation>
    </message>
    <message>
        <source>Export failed: {0}</source>
        <translation>导出失败：{0}</translation>
    </message>
    <message>
        <source>Exported {0}</source>
        <translation>已导出 {0}</translation>
    </message>
    <message>
        <source>Export all plots to folder</source>
        <translation>将全部图导出到文件夹</translation>
    </message>
    <message>
        <source>Exported {0} files to {1}</source>
        <translation>已将 {0} 个文件导出到 {1}</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>running</source>
        <translation>正在运行</translation>
    </message>
    <message>
        <source>Quit rnnviz</source>
        <translation>退出 rnnviz</translation>
    </message>
    <message>
        <source>A training run is {0} in the Trainer tab. Stop it and quit?
(Its checkpoint is written if one is set.)</source>
        <translation>“训练器”标签页中的训练{0}。停止训练并退出吗？
（若设置了检查点，会写入检查点。）</translation>
    </message>
</context>
<context>
    <name>Names</name>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>map %p%</source>
        <translation>流图 %p%</translation>
    </message>
    <message>
        <source>rnnviz session (*.json)</source>
        <translation>rnnviz 会话 (*.json)</translation>
    </message>
    <message>
        <source>rnnviz lesson (*.md)</source>
        <translation>rnnviz 课程 (*.md)</translation>
    </message>
    <message>
        <source>Decay</source>
        <translation>衰减</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>流图</translation>
    </message>
    <message>
        <source>Gates</source>
        <translation>门</translation>
    </message>
    <message>
        <source>BPTT</source>
        <translation>BPTT</translation>
    </message>
    <message>
        <source>Spectrum</source>
        <translation>谱</translation>
    </message>
    <message>
        <source>States</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Unrolled</source>
        <translation>展开</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>forget bias</source>
        <translation>遗忘门偏置</translation>
    </message>
    <message>
        <source>init</source>
        <translation>初始化</translation>
    </message>
    <message>
        <source>init scale</source>
        <translation>初始化尺度</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>slope</source>
        <translation>斜率</translation>
    </message>
    <message>
        <source>bidirectional</source>
        <translation>双向</translation>
    </message>
    <message>
        <source>one direction</source>
        <translation>单向</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Elman RNN</source>
        <translation>Elman RNN</translation>
    </message>
    <message>
        <source>LSTM</source>
        <translation>LSTM</translation>
    </message>
    <message>
        <source>Peephole LSTM</source>
        <translation>窥视孔 LSTM</translation>
    </message>
    <message>
        <source>CIFG LSTM</source>
        <translation>CIFG LSTM</translation>
    </message>
    <message>
        <source>GRU (PyTorch/cuDNN)</source>
        <translation>GRU（PyTorch/cuDNN）</translation>
    </message>
    <message>
        <source>GRU (Cho 2014)</source>
        <translation>GRU（Cho 2014）</translation>
    </message>
    <message>
        <source>sigmoid</source>
        <translation>sigmoid</translation>
    </message>
    <message>
        <source>ReLU</source>
        <translation>ReLU</translation>
    </message>
    <message>
        <source>linear (identity)</source>
        <translation>线性（恒等）</translation>
    </message>
    <message>
        <source>leaky ReLU</source>
        <translation>leaky ReLU</translation>
    </message>
    <message>
        <source>orthogonal</source>
        <translation>正交</translation>
    </message>
    <message>
        <source>Gaussian</source>
        <translation>高斯</translation>
    </message>
    <message>
        <source>uniform</source>
        <translation>均匀</translation>
    </message>
    <message>
        <source>identity (IRNN)</source>
        <translation>单位矩阵（IRNN）</translation>
    </message>
    <message>
        <source>PyTorch default U(±1/√H)</source>
        <translation>PyTorch 默认 U(±1/√H)</translation>
    </message>
    <message>
        <source>Gaussian noise</source>
        <translation>高斯噪声</translation>
    </message>
    <message>
        <source>zeros</source>
        <translation>全零</translation>
    </message>
    <message>
        <source>constant</source>
        <translation>常数</translation>
    </message>
    <message>
        <source>sine</source>
        <translation>正弦</translation>
    </message>
    <message>
        <source>random one-hot tokens</source>
        <translation>随机独热词元</translation>
    </message>
    <message>
        <source>text (type below)</source>
        <translation>文本（在下方输入）</translation>
    </message>
    <message>
        <source>every step</source>
        <translation>每个时间步</translation>
    </message>
    <message>
        <source>last step</source>
        <translation>最后一步</translation>
    </message>
    <message>
        <source>chosen step</source>
        <translation>指定时间步</translation>
    </message>
    <message>
        <source>real text (trained model)</source>
        <translation>真实文本（训练所得的模型）</translation>
    </message>
    <message>
        <source>Does not apply: the trained model&apos;s own weights and its embedded text are analysed. “Use generated weights” above makes it apply again.</source>
        <translation>不适用：分析的是训练所得模型自身的权重及其嵌入的文本。点击上方的“使用生成的权重”可使其重新适用。</translation>
    </message>
    <message>
        <source>Changing this analyses generated weights instead of the trained model&apos;s (Ctrl+Z goes back).</source>
        <translation>更改此项将改为分析生成的权重，而非训练所得模型的权重（Ctrl+Z 可撤回）。</translation>
    </message>
    <message>
        <source>spectral radius ρ</source>
        <translation>谱半径 ρ</translation>
    </message>
    <message>
        <source>hidden size</source>
        <translation>隐藏层大小</translation>
    </message>
    <message>
        <source>sequence length T</source>
        <translation>序列长度 T</translation>
    </message>
    <message>
        <source>forget-gate bias</source>
        <translation>遗忘门偏置</translation>
    </message>
    <message>
        <source>init scheme</source>
        <translation>初始化方案</translation>
    </message>
    <message>
        <source>input scale</source>
        <translation>输入尺度</translation>
    </message>
    <message>
        <source>gradient reach k (steps)</source>
        <translation>梯度可达距离 k（步）</translation>
    </message>
    <message>
        <source>log₁₀ ‖∂s(T)/∂s(t₀)‖₂</source>
        <translation>log₁₀ ‖∂s(T)/∂s(t₀)‖₂</translation>
    </message>
    <message>
        <source>largest Lyapunov exponent (per step)</source>
        <translation>最大李雅普诺夫指数（每步）</translation>
    </message>
    <message>
        <source>saturated gate fraction</source>
        <translation>饱和门比例</translation>
    </message>
    <message>
        <source>Gradient reach</source>
        <translation>梯度可达距离</translation>
    </message>
    <message>
        <source>log₁₀ ‖∂s(T)/∂s(t₀)‖</source>
        <translation>log₁₀ ‖∂s(T)/∂s(t₀)‖</translation>
    </message>
    <message>
        <source>Run a sweep to see its result</source>
        <translation>运行一次扫描以查看结果</translation>
    </message>
    <message>
        <source>Largest Lyapunov exponent</source>
        <translation>最大李雅普诺夫指数</translation>
    </message>
    <message>
        <source>Saturated gate fraction</source>
        <translation>饱和门比例</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>步</translation>
    </message>
    <message>
        <source>unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>units</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>index</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Value under the mouse pointer</source>
        <translation>鼠标指针处的数值</translation>
    </message>
    <message>
        <source>Plot</source>
        <translation>图</translation>
    </message>
    <message>
        <source>Backprop through time</source>
        <translation>随时间反向传播</translation>
    </message>
    <message>
        <source>‖∏J‖₂ spectral</source>
        <translation>‖∏J‖₂ 谱范数</translation>
    </message>
    <message>
        <source>‖∏J‖&lt;sub&gt;F&lt;/sub&gt; Frobenius</source>
        <translation>‖∏J‖&lt;sub&gt;F&lt;/sub&gt; Frobenius 范数</translation>
    </message>
    <message>
        <source>Pascanu bound (γ·σ&lt;sub&gt;max&lt;/sub&gt;)&lt;sup&gt;k&lt;/sup&gt;</source>
        <translation>Pascanu 上界 (γ·σ&lt;sub&gt;max&lt;/sub&gt;)&lt;sup&gt;k&lt;/sup&gt;</translation>
    </message>
    <message>
        <source>ρ&lt;sup&gt;k&lt;/sup&gt;</source>
        <translation>ρ&lt;sup&gt;k&lt;/sup&gt;</translation>
    </message>
    <message>
        <source>h→h block</source>
        <translation>h→h 块</translation>
    </message>
    <message>
        <source>c→c block</source>
        <translation>c→c 块</translation>
    </message>
    <message>
        <source>highway ∏ f</source>
        <translation>高速通路 ∏ f</translation>
    </message>
    <message>
        <source>‖∏J‖₂</source>
        <translation>‖∏J‖₂</translation>
    </message>
    <message>
        <source>‖∏J‖F</source>
        <translation>‖∏J‖F</translation>
    </message>
    <message>
        <source>bound</source>
        <translation>上界</translation>
    </message>
    <message>
        <source>h→h</source>
        <translation>h→h</translation>
    </message>
    <message>
        <source>c→c</source>
        <translation>c→c</translation>
    </message>
    <message>
        <source>highway</source>
        <translation>高速通路</translation>
    </message>
    <message>
        <source>highway ∏ (1 − i)</source>
        <translation>高速通路 ∏ (1 − i)</translation>
    </message>
    <message>
        <source>highway ∏ z</source>
        <translation>高速通路 ∏ z</translation>
    </message>
    <message>
        <source>Gradient decay</source>
        <translation>梯度衰减</translation>
    </message>
    <message>
        <source>Gradient-flow map</source>
        <translation>梯度流图</translation>
    </message>
    <message>
        <source>input gate i</source>
        <translation>输入门 i</translation>
    </message>
    <message>
        <source>forget gate f</source>
        <translation>遗忘门 f</translation>
    </message>
    <message>
        <source>candidate g</source>
        <translation>候选值 g</translation>
    </message>
    <message>
        <source>output gate o</source>
        <translation>输出门 o</translation>
    </message>
    <message>
        <source>reset gate r</source>
        <translation>重置门 r</translation>
    </message>
    <message>
        <source>update gate z</source>
        <translation>更新门 z</translation>
    </message>
    <message>
        <source>candidate n</source>
        <translation>候选值 n</translation>
    </message>
    <message>
        <source>hidden h</source>
        <translation>隐藏状态 h</translation>
    </message>
    <message>
        <source>Hidden state</source>
        <translation>隐藏状态</translation>
    </message>
    <message>
        <source>input size</source>
        <translation>输入维度</translation>
    </message>
    <message>
        <source>length T</source>
        <translation>长度 T</translation>
    </message>
    <message>
        <source>spectral radius</source>
        <translation>谱半径</translation>
    </message>
    <message>
        <source>leaky slope</source>
        <translation>泄漏斜率</translation>
    </message>
    <message>
        <source>auxiliary input size A</source>
        <translation>辅助输入维度 A</translation>
    </message>
    <message>
        <source>auxiliary input scale</source>
        <translation>辅助输入尺度</translation>
    </message>
    <message>
        <source>Unrolled network</source>
        <translation>按时间展开的网络</translation>
    </message>
</context>
<context>
    <name>NetworkSummaryDialog</name>
    <message>
        <source>{0} bytes</source>
        <translation>{0} 字节</translation>
    </message>
    <message>
        <source>Open network: {name}</source>
        <translation>打开网络：{name}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; describes this network:</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; 描述的网络如下：</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>{format}, {size}</source>
        <translation>{format}，{size}</translation>
    </message>
    <message>
        <source>Cell</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Hidden size H</source>
        <translation>隐藏层大小 H</translation>
    </message>
    <message>
        <source>Input size</source>
        <translation>输入维度</translation>
    </message>
    <message>
        <source>Bidirectional</source>
        <translation>双向</translation>
    </message>
    <message>
        <source>Activation φ</source>
        <translation>激活函数 φ</translation>
    </message>
    <message>
        <source>Stored as</source>
        <translation>存储精度</translation>
    </message>
    <message>
        <source>{dtype} (analysed in float64)</source>
        <translation>{dtype}（以 float64 分析）</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>词表</translation>
    </message>
    <message>
        <source>{count} {level} tokens (File → Open inputs… takes text in it)</source>
        <translation>{count} 个 {level} 词元（“文件 → 打开输入…”可读入用此词表写的文本）</translation>
    </message>
    <message>
        <source>Not analysed</source>
        <translation>不分析</translation>
    </message>
    <message>
        <source>A state dict does not say which of these cells it holds (their weights have the same shapes): torch&apos;s nn.GRU is GRU</source>
        <translation>状态字典不记录它保存的是其中哪一种单元（它们的权重形状相同）：torch 的 nn.GRU 对应 GRU</translation>
    </message>
    <message>
        <source>A state dict does not record nn.RNN&apos;s nonlinearity: choose it (torch&apos;s default is tanh)</source>
        <translation>状态字典不记录 nn.RNN 的非线性函数：请在此选择（torch 的默认值为 tanh）</translation>
    </message>
    <message>
        <source>Parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>The file&apos;s recurrent weights in PyTorch&apos;s names and gate order</source>
        <translation>文件中的循环权重，按 PyTorch 的命名与门的顺序</translation>
    </message>
    <message>
        <source>Analyse</source>
        <translation>分析</translation>
    </message>
    <message>
        <source>Analyse this network in the explorer (Enter)</source>
        <translation>在探索器中分析此网络（Enter）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Leave the explorer as it is (Esc)</source>
        <translation>保持探索器不变（Esc）</translation>
    </message>
</context>
<context>
    <name>OpenFiles</name>
    <message>
        <source>{cell}, {layers} layers, H = {hidden}</source>
        <translation>{cell}，{layers} 层，H = {hidden}</translation>
    </message>
    <message>
        <source>{cell}, 1 layer, H = {hidden}</source>
        <translation>{cell}，1 层，H = {hidden}</translation>
    </message>
    <message>
        <source>, bidirectional</source>
        <translation>，双向</translation>
    </message>
</context>
<context>
    <name>PlotItem</name>
    <message>
        <source>Plot Options</source>
        <translation>绘图选项</translation>
    </message>
    <message>
        <source>Transforms</source>
        <translation>变换</translation>
    </message>
    <message>
        <source>Downsample</source>
        <translation>降采样</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>透明度</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>数据点</translation>
    </message>
</context>
<context>
    <name>PlotPanel</name>
    <message>
        <source>Double-click: show this plot alone / all plots again. Right-click: pyqtgraph menu (view, export). Mouse wheel: zoom.</source>
        <translation>双击：单独显示此图 / 重新显示全部图。右键：pyqtgraph 菜单（视图、导出）。鼠标滚轮：缩放。</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适配</translation>
    </message>
    <message>
        <source>Fit the view to the plotted data again (Ctrl+0). A zoom or pan with the mouse is kept through every change until then.</source>
        <translation>使视图重新适配所绘数据（Ctrl+0）。在此之前，用鼠标进行的缩放或平移在每次更改后都会保留。</translation>
    </message>
    <message>
        <source>What this plot shows and how to read it (Shift+F1, then click a plot: the same)</source>
        <translation>此图显示什么、如何解读（按 Shift+F1 后点击某幅图，效果相同）</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <comment>an axis label: quantity (units)</comment>
        <translation>{0}（{1}）</translation>
    </message>
</context>
<context>
    <name>Presets</name>
    <message>
        <source>LSTM without a forget path (CIFG)</source>
        <translation>无独立遗忘通路的 LSTM（CIFG）</translation>
    </message>
    <message>
        <source>Coupled input-forget gate LSTM: f = 1 − i, so writing to the cell always erases it; the highway is ∏ (1 − i).</source>
        <translation>输入门与遗忘门耦合的 LSTM：f = 1 − i，因此写入细胞必然同时擦除它；高速通路为 ∏ (1 − i)。</translation>
    </message>
    <message>
        <source>Exploding gradients: RNN (ρ = 1.5)</source>
        <translation>梯度爆炸：RNN（ρ = 1.5）</translation>
    </message>
    <message>
        <source>GRU (PyTorch/cuDNN)</source>
        <translation>GRU（PyTorch/cuDNN）</translation>
    </message>
    <message>
        <source>GRU as in PyTorch/cuDNN: the update gate z interpolates between the old state and the candidate; ∏ z is its highway.</source>
        <translation>PyTorch/cuDNN 形式的 GRU：更新门 z 在旧状态与候选值之间插值；∏ z 是它的高速通路。</translation>
    </message>
    <message>
        <source>IRNN: ReLU with identity init</source>
        <translation>IRNN：单位矩阵初始化的 ReLU</translation>
    </message>
    <message>
        <source>Le, Jaitly &amp; Hinton (2015): ReLU RNN with W_hh = I. Active units pass the gradient on unchanged; dead units cut it.</source>
        <translation>Le、Jaitly 与 Hinton（2015）：W_hh = I 的 ReLU RNN。激活的单元原样传递梯度；失活的单元将其切断。</translation>
    </message>
    <message>
        <source>Elman tanh RNN with orthogonal weights rescaled to ρ = 1.5 and small inputs: the state stays in tanh&apos;s linear range, so the Jacobian products grow like 1.5ᵏ.</source>
        <translation>Elman tanh RNN，正交权重缩放到 ρ = 1.5，输入较小：状态停留在 tanh 的线性区，因此雅可比矩阵乘积按 1.5ᵏ 增长。</translation>
    </message>
    <message>
        <source>Linear orthogonal RNN (ρᵏ exactly)</source>
        <translation>线性正交 RNN（恰为 ρᵏ）</translation>
    </message>
    <message>
        <source>Linear RNN with Wₕₕ = ρ·Q (Q orthogonal): every singular value equals ρ, so ‖∂s(t₀+k)/∂s(t₀)‖₂ = ρᵏ exactly and the spectral curve lies on the ρᵏ line.</source>
        <translation>Wₕₕ = ρ·Q（Q 为正交矩阵）的线性 RNN：每个奇异值都等于 ρ，因此 ‖∂s(t₀+k)/∂s(t₀)‖₂ 恰为 ρᵏ，谱范数曲线正好落在 ρᵏ 直线上。</translation>
    </message>
    <message>
        <source>LSTM highway half closed (forget bias 0)</source>
        <translation>LSTM 高速通路半闭（遗忘门偏置 0）</translation>
    </message>
    <message>
        <source>The same LSTM with forget-gate bias 0: f ≈ σ(0) = 0.5 halves the highway at every step; compare with forget bias 1.</source>
        <translation>同一个 LSTM，遗忘门偏置为 0：f ≈ σ(0) = 0.5，高速通路每一步减半；可与遗忘门偏置 1 对比。</translation>
    </message>
    <message>
        <source>LSTM highway open (forget bias 1)</source>
        <translation>LSTM 高速通路畅通（遗忘门偏置 1）</translation>
    </message>
    <message>
        <source>LSTM with forget-gate bias 1: f ≈ σ(1) ≈ 0.73 and the cell-state highway ∏ f carries the gradient much further than the h→h path.</source>
        <translation>遗忘门偏置为 1 的 LSTM：f ≈ σ(1) ≈ 0.73，细胞状态高速通路 ∏ f 传递梯度的距离远超 h→h 通路。</translation>
    </message>
    <message>
        <source>Saturated sigmoid RNN</source>
        <translation>饱和的 sigmoid RNN</translation>
    </message>
    <message>
        <source>Sigmoid RNN with large weights and inputs: units sit at 0 or 1 where σ′ ≈ 0, and γ = ¼ makes even the bound shrink by 4× per step.</source>
        <translation>权重和输入都很大的 sigmoid RNN：各单元停在 0 或 1 附近，此处 σ′ ≈ 0；而 γ = ¼ 使得连上界也每步缩小为四分之一。</translation>
    </message>
    <message>
        <source>Vanishing gradients: tanh RNN (ρ = 0.9)</source>
        <translation>梯度消失：tanh RNN（ρ = 0.9）</translation>
    </message>
    <message>
        <source>Elman tanh RNN with orthogonal weights rescaled to ρ = 0.9: every step multiplies the gradient by at most γ·σ_max &lt; 1, so ‖∂s(t₀+k)/∂s(t₀)‖ falls exponentially (a straight line in log scale).</source>
        <translation>Elman tanh RNN，正交权重缩放到 ρ = 0.9：每一步梯度至多乘以 γ·σ_max &lt; 1，因此 ‖∂s(t₀+k)/∂s(t₀)‖ 按指数下降（对数坐标下为一条直线）。</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <source>{0} {1:g} is beyond the explorer&apos;s range [{2:g}, {3:g}]</source>
        <translation>{0} {1:g} 超出探索器的范围 [{2:g}, {3:g}]</translation>
    </message>
    <message>
        <source>not an rnnviz session: expected a JSON object</source>
        <translation>不是 rnnviz 会话：应为 JSON 对象</translation>
    </message>
    <message>
        <source>not an rnnviz session: &apos;format&apos; is {0!r}, expected {1!r}</source>
        <translation>不是 rnnviz 会话：&apos;format&apos; 为 {0!r}，应为 {1!r}</translation>
    </message>
    <message>
        <source>session has no valid &apos;version&apos; (got {0!r})</source>
        <translation>会话没有有效的 &apos;version&apos;（得到 {0!r}）</translation>
    </message>
    <message>
        <source>session version {0} is newer than this rnnviz supports ({1}); update rnnviz to open it</source>
        <translation>会话版本 {0} 比此 rnnviz 支持的版本（{1}）新；请更新 rnnviz 后再打开</translation>
    </message>
    <message>
        <source>session version {0} is not valid</source>
        <translation>会话版本 {0} 无效</translation>
    </message>
    <message>
        <source>session config is invalid: {0}</source>
        <translation>会话配置无效：{0}</translation>
    </message>
    <message>
        <source>cannot read {0}: {1}</source>
        <translation>无法读取 {0}：{1}</translation>
    </message>
</context>
<context>
    <name>SpectrumPanel</name>
    <message>
        <source>Eigenvalues λ</source>
        <translation>特征值 λ</translation>
    </message>
    <message>
        <source>Re λ</source>
        <translation>Re λ</translation>
    </message>
    <message>
        <source>Im λ</source>
        <translation>Im λ</translation>
    </message>
    <message>
        <source>Eigenvalues</source>
        <translation>特征值</translation>
    </message>
    <message>
        <source>Singular values σ</source>
        <translation>奇异值 σ</translation>
    </message>
    <message>
        <source>Singular values</source>
        <translation>奇异值</translation>
    </message>
    <message>
        <source>ρ = spectral radius, σₘₐₓ = largest singular value, γ = sup φ′ of the activation; γ·σₘₐₓ &lt; 1 guarantees vanishing gradients (Pascanu et al. 2013)</source>
        <translation>ρ = 谱半径，σₘₐₓ = 最大奇异值，γ = 激活函数导数的上确界 sup φ′；γ·σₘₐₓ &lt; 1 必然导致梯度消失（Pascanu 等，2013）</translation>
    </message>
    <message>
        <source>gate (largest)</source>
        <translation>门（最大值）</translation>
    </message>
    <message>
        <source>block</source>
        <translation>块</translation>
    </message>
    <message>
        <source>Each gate&apos;s largest numbers over its layers; every block&apos;s: this plot alone</source>
        <translation>每种门取其各层中的最大值；各块的数值请单独显示此图</translation>
    </message>
    <message>
        <source>index {0}</source>
        <translation>序号 {0}</translation>
    </message>
</context>
<context>
    <name>SweepPlot</name>
    <message>
        <source>±1 std, {0} seeds</source>
        <translation>±1 标准差，{0} 个种子</translation>
    </message>
    <message>
        <source>1 seed</source>
        <translation>1 个种子</translation>
    </message>
    <message>
        <source>gradient reach k with ‖∂s‖ ≥ {0:g}</source>
        <translation>满足 ‖∂s‖ ≥ {0:g} 的梯度可达距离 k</translation>
    </message>
    <message>
        <source>{0} vs {1} ({2})</source>
        <translation>{0}随{1}的变化（{2}）</translation>
    </message>
    <message>
        <source>mean over {0} seeds</source>
        <translation>{0} 个种子的平均</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <comment>the two-parameter sweep&apos;s title: metric (seeds)</comment>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>longest measurable reach, T − t₀</source>
        <translation>可测的最远距离 T − t₀</translation>
    </message>
    <message>
        <source>a lower bound: reach ≥ T − t₀</source>
        <translation>下界：可达距离 ≥ T − t₀</translation>
    </message>
    <message>
        <source>{0}: {1} ≥ {2:.4g}: still above the threshold at the last step; a longer T measures further  (click to open in the explorer)</source>
        <translation>{0}：{1} ≥ {2:.4g}：到最后一步仍高于阈值，更长的 T 可测得更远（点击即可在探索器中打开）</translation>
    </message>
    <message>
        <source>{0}: {1} ≥ {2:.4g} ± {3:.2g}: {4} of {5} seeds still above the threshold at the last step  (click to open in the explorer)</source>
        <translation>{0}：{1} ≥ {2:.4g} ± {3:.2g}：{5} 个种子中有 {4} 个到最后一步仍高于阈值（点击即可在探索器中打开）</translation>
    </message>
    <message>
        <source>{0}: {1} = {2:.4g} ± {3:.2g}  (click to open in the explorer)</source>
        <translation>{0}：{1} = {2:.4g} ± {3:.2g}（点击即可在探索器中打开）</translation>
    </message>
</context>
<context>
    <name>TrainerPanel</name>
    <message>
        <source> · done</source>
        <translation> · 完成</translation>
    </message>
    <message>
        <source> · stopped</source>
        <translation> · 已停止</translation>
    </message>
    <message>
        <source> · diverged</source>
        <translation> · 已发散</translation>
    </message>
    <message>
        <source> · paused</source>
        <translation> · 已暂停</translation>
    </message>
    <message>
        <source> · {0}:{1:02d} left</source>
        <translation> · 剩余 {0}:{1:02d}</translation>
    </message>
    <message>
        <source>{0:.0f}% · epoch {1}/{2}{3}{4}</source>
        <translation>{0:.0f}% · 第 {1}/{2} 轮{3}{4}</translation>
    </message>
    <message>
        <source>step {0} · {1:,.0f} tokens/s</source>
        <translation>第 {0} 步 · 每秒 {1:,.0f} 个词元</translation>
    </message>
    <message>
        <source>Corpus</source>
        <translation>语料</translation>
    </message>
    <message>
        <source>Training text: a built-in corpus, a UTF-8 text file, or a folder with ptb.train.txt / ptb.valid.txt / ptb.test.txt (Penn Treebank format).</source>
        <translation>训练文本：内置语料、UTF-8 文本文件，或包含 ptb.train.txt / ptb.valid.txt / ptb.test.txt 的文件夹（Penn Treebank 格式）。</translation>
    </message>
    <message>
        <source>Open file…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <source>Choose a UTF-8 text file to train on.</source>
        <translation>选择用于训练的 UTF-8 文本文件。</translation>
    </message>
    <message>
        <source>PTB folder…</source>
        <translation>PTB 文件夹…</translation>
    </message>
    <message>
        <source>Choose a folder with ptb.train.txt, ptb.valid.txt, ptb.test.txt.</source>
        <translation>选择包含 ptb.train.txt、ptb.valid.txt、ptb.test.txt 的文件夹。</translation>
    </message>
    <message>
        <source>char: every character is a token. word: whitespace-separated words, one sentence per line, &lt;eos&gt; at each line end.</source>
        <translation>char：每个字符是一个词元。word：以空白分隔的词，每行一句，行末为 &lt;eos&gt;。</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>粒度</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Recurrent cell of every layer (the engine&apos;s cells).</source>
        <translation>每一层的循环单元（引擎中的单元）。</translation>
    </message>
    <message>
        <source>Stacked recurrent layers.</source>
        <translation>堆叠的循环层数。</translation>
    </message>
    <message>
        <source>Hidden units per layer.</source>
        <translation>每层的隐藏单元数。</translation>
    </message>
    <message>
        <source>Embedding size (learned token vectors).</source>
        <translation>嵌入维度（学习得到的词元向量）。</translation>
    </message>
    <message>
        <source>Dropout on non-recurrent connections (embedding, between layers, before the softmax), Zaremba et al. 2014. 0.5 keeps the default model from overfitting the short built-in text.</source>
        <translation>在非循环连接上使用 dropout（嵌入层、层与层之间、softmax 之前），见 Zaremba 等 2014。取 0.5 可防止默认模型在简短的内置文本上过拟合。</translation>
    </message>
    <message>
        <source>Tie embedding and softmax weights</source>
        <translation>共享嵌入与 softmax 权重</translation>
    </message>
    <message>
        <source>Share the embedding matrix with the output layer (needs embed = hidden).</source>
        <translation>输出层与嵌入层共用同一矩阵（要求嵌入维度 = 隐藏单元数）。</translation>
    </message>
    <message>
        <source>float32 is about twice as fast; float64 for exact comparisons.</source>
        <translation>float32 约快一倍；float64 用于精确比较。</translation>
    </message>
    <message>
        <source>Cell</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Hidden</source>
        <translation>隐藏单元</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>嵌入维度</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>sgd (optionally with momentum), adagrad, rmsprop or adam.</source>
        <translation>sgd（可带动量）、adagrad、rmsprop 或 adam。</translation>
    </message>
    <message>
        <source>Learning rate.</source>
        <translation>学习率。</translation>
    </message>
    <message>
        <source>SGD momentum (0 = plain SGD).</source>
        <translation>SGD 动量（0 = 普通 SGD）。</translation>
    </message>
    <message>
        <source>Multiply the learning rate by this every epoch after &apos;decay after&apos; (1 = no decay).</source>
        <translation>在“衰减起始轮”之后，每轮将学习率乘以此值（1 = 不衰减）。</translation>
    </message>
    <message>
        <source>Last epoch at the full learning rate.</source>
        <translation>使用完整学习率的最后一轮。</translation>
    </message>
    <message>
        <source>Truncated BPTT window T: gradients flow back at most this many steps; the hidden state is carried across windows.</source>
        <translation>截断随时间反向传播的窗口 T：梯度最多回传这么多步；隐藏状态跨窗口延续。</translation>
    </message>
    <message>
        <source>Parallel streams B over the corpus.</source>
        <translation>在语料上并行的序列流数 B。</translation>
    </message>
    <message>
        <source>Passes over the training text.</source>
        <translation>遍历训练文本的轮数。</translation>
    </message>
    <message>
        <source>Rescale the gradient when its global norm exceeds this (0 = off).</source>
        <translation>当梯度的全局范数超过此值时按比例缩小（0 = 关闭）。</translation>
    </message>
    <message>
        <source>Clip every gradient entry to ±this (0 = off).</source>
        <translation>将梯度的每个分量裁剪到 ±此值（0 = 关闭）。</translation>
    </message>
    <message>
        <source>Random seed: initialisation and dropout.</source>
        <translation>随机种子：用于初始化与 dropout。</translation>
    </message>
    <message>
        <source>Gradient-flow snapshot every N steps (0 = never).</source>
        <translation>每 N 步记录一次梯度流快照（0 = 从不）。</translation>
    </message>
    <message>
        <source>BLAS threads used by training. 1 keeps the explorer responsive on a 2-core machine.</source>
        <translation>训练使用的 BLAS 线程数。取 1 可使双核机器上的探索器保持流畅。</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <source>LR decay</source>
        <translation>学习率衰减</translation>
    </message>
    <message>
        <source>Decay after epoch</source>
        <translation>衰减起始轮</translation>
    </message>
    <message>
        <source>BPTT length T</source>
        <translation>BPTT 长度 T</translation>
    </message>
    <message>
        <source>Batch B</source>
        <translation>批大小 B</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Clip norm</source>
        <translation>范数裁剪</translation>
    </message>
    <message>
        <source>Clip value</source>
        <translation>数值裁剪</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Snapshot every</source>
        <translation>快照间隔</translation>
    </message>
    <message>
        <source>BLAS threads</source>
        <translation>BLAS 线程</translation>
    </message>
    <message>
        <source>(no checkpoint)</source>
        <translation>（无检查点）</translation>
    </message>
    <message>
        <source>Write checkpoints (.npz) here at each epoch end and on Stop.</source>
        <translation>在每轮结束和停止时把检查点（.npz）写到这里。</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Start training from scratch with these settings.</source>
        <translation>以这些设置从头开始训练。</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause between two steps; press again to resume.</source>
        <translation>在两步之间暂停；再按一次继续。</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>End training now (writes the checkpoint if one is set).</source>
        <translation>立即结束训练（若设置了检查点则写入）。</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Stop and forget the model and the plots.</source>
        <translation>停止训练，并清除模型与各图。</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Press Start to train on the chosen corpus.</source>
        <translation>按“开始”在所选语料上训练。</translation>
    </message>
    <message>
        <source>Open in explorer</source>
        <translation>在探索器中打开</translation>
    </message>
    <message>
        <source>Send the trained cells and a stretch of real text to the explorer.</source>
        <translation>把训练好的单元和一段真实文本送到探索器。</translation>
    </message>
    <message>
        <source>Loss per token (nats)</source>
        <translation>每个词元的损失（奈特）</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>train (batch)</source>
        <translation>训练（批）</translation>
    </message>
    <message>
        <source>train (epoch mean)</source>
        <translation>训练（每轮平均）</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>best valid</source>
        <translation>最佳验证</translation>
    </message>
    <message>
        <source>ln V</source>
        <translation>ln V</translation>
    </message>
    <message>
        <source>Gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>log₁₀ ‖∂L/∂θ‖₂</source>
        <translation>log₁₀ ‖∂L/∂θ‖₂</translation>
    </message>
    <message>
        <source>after clipping</source>
        <translation>裁剪后</translation>
    </message>
    <message>
        <source>before clipping</source>
        <translation>裁剪前</translation>
    </message>
    <message>
        <source>clipped</source>
        <translation>已裁剪</translation>
    </message>
    <message>
        <source>Gradient flow on real text</source>
        <translation>真实文本上的梯度流</translation>
    </message>
    <message>
        <source>distance k (steps back)</source>
        <translation>距离 k（回溯步数）</translation>
    </message>
    <message>
        <source>‖∂L&lt;sub&gt;τ&lt;/sub&gt;/∂h&lt;sub&gt;τ−k&lt;/sub&gt;‖</source>
        <translation>‖∂L&lt;sub&gt;τ&lt;/sub&gt;/∂h&lt;sub&gt;τ−k&lt;/sub&gt;‖</translation>
    </message>
    <message>
        <source>‖∂s&lt;sub&gt;k&lt;/sub&gt;/∂s&lt;sub&gt;0&lt;/sub&gt;‖₂</source>
        <translation>‖∂s&lt;sub&gt;k&lt;/sub&gt;/∂s&lt;sub&gt;0&lt;/sub&gt;‖₂</translation>
    </message>
    <message>
        <source>Next-token distribution</source>
        <translation>下一词元的分布</translation>
    </message>
    <message>
        <source>probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>Text the sample starts from.</source>
        <translation>采样的起始文本。</translation>
    </message>
    <message>
        <source>Softmax temperature: low = safe and repetitive, high = adventurous and often wrong.</source>
        <translation>Softmax 温度：低 = 稳妥但重复，高 = 大胆但常出错。</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Generate new text from the current weights (the next sampling seed).</source>
        <translation>用当前权重生成新文本（使用下一个采样种子）。</translation>
    </message>
    <message>
        <source>Seed of the text shown: the same seed, weights, prime and temperature give the same text. Sample moves on to the next seed.</source>
        <translation>所示文本的种子：种子、权重、起始文本和温度都相同时生成的文本相同。“采样”会换用下一个种子。</translation>
    </message>
    <message>
        <source>Prime</source>
        <translation>起始文本</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Samples appear here while the model trains.</source>
        <translation>模型训练时，采样结果显示在这里。</translation>
    </message>
    <message>
        <source>What these plots show and how to read them</source>
        <translation>这些图显示什么、如何解读</translation>
    </message>
    <message>
        <source>Loss (nats)</source>
        <translation>损失（奈特）</translation>
    </message>
    <message>
        <source>Next token</source>
        <translation>下一词元</translation>
    </message>
    <message>
        <source>best {0:.3f} at {1}</source>
        <translation>最佳 {0:.3f}，第 {1} 步</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>批</translation>
    </message>
    <message>
        <source>epoch mean</source>
        <translation>每轮平均</translation>
    </message>
    <message>
        <source>after clip</source>
        <translation>裁剪后</translation>
    </message>
    <message>
        <source>before clip</source>
        <translation>裁剪前</translation>
    </message>
    <message>
        <source>before clipping (the same)</source>
        <translation>裁剪前（与裁剪后相同）</translation>
    </message>
    <message>
        <source>clipped: no step</source>
        <translation>已裁剪：无</translation>
    </message>
    <message>
        <source>Gradient flow</source>
        <translation>梯度流</translation>
    </message>
    <message>
        <source>{0} (step {1})</source>
        <translation>{0}（第 {1} 步）</translation>
    </message>
    <message>
        <source>Training text</source>
        <translation>训练文本</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>文本文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Penn Treebank folder</source>
        <translation>Penn Treebank 文件夹</translation>
    </message>
    <message>
        <source>Cannot start: {0}</source>
        <translation>无法开始：{0}</translation>
    </message>
    <message>
        <source>loading corpus…</source>
        <translation>正在载入语料…</translation>
    </message>
    <message>
        <source>Training {0} on {1}…</source>
        <translation>正在 {1} 上训练 {0}…</translation>
    </message>
    <message>
        <source>Resumed.</source>
        <translation>已继续。</translation>
    </message>
    <message>
        <source>Paused (between two steps).</source>
        <translation>已暂停（在两步之间）。</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Reset.</source>
        <translation>已重置。</translation>
    </message>
    <message>
        <source>best valid {0:.3f} (step {1})</source>
        <translation>最佳验证 {0:.3f}（第 {1} 步）</translation>
    </message>
    <message>
        <source>log₁₀ norm</source>
        <translation>log₁₀ 范数</translation>
    </message>
    <message>
        <source>before (=)</source>
        <translation>裁剪前（同）</translation>
    </message>
    <message>
        <source>0 clipped</source>
        <translation>无裁剪</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Training diverged: {0}</source>
        <translation>训练发散：{0}</translation>
    </message>
    <message>
        <source>Finished {0} epochs at step {1}.</source>
        <translation>已完成 {0} 轮，共 {1} 步。</translation>
    </message>
    <message>
        <source>Stopped at step {0}.</source>
        <translation>在第 {0} 步停止。</translation>
    </message>
    <message>
        <source>valid loss {0:.3f} (ppl {1:.1f})</source>
        <translation>验证损失 {0:.3f}（困惑度 {1:.1f}）</translation>
    </message>
    <message>
        <source>test loss {0:.3f} (ppl {1:.1f})</source>
        <translation>测试损失 {0:.3f}（困惑度 {1:.1f}）</translation>
    </message>
    <message>
        <source>checkpoint {0}</source>
        <translation>检查点 {0}</translation>
    </message>
    <message>
        <source>Training failed: {0}</source>
        <translation>训练失败：{0}</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Sampling failed: {0}</source>
        <translation>采样失败：{0}</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Stopped while the corpus was loading; nothing was trained.</source>
        <translation>在载入语料时停止；没有进行任何训练。</translation>
    </message>
    <message>
        <source>The training and validation losses appear here when training runs (Start).</source>
        <translation>训练开始后（按“开始”），训练损失和验证损失显示在这里。</translation>
    </message>
    <message>
        <source>The gradient norm of every step appears here when training runs.</source>
        <translation>训练开始后，每一步的梯度范数显示在这里。</translation>
    </message>
    <message>
        <source>How far gradients reach back on the text appears at each snapshot.</source>
        <translation>每个快照显示梯度在文本上能向前传多远。</translation>
    </message>
    <message>
        <source>The model&apos;s next-token probabilities appear with the first sample.</source>
        <translation>第一次采样后，这里显示模型对下一词元的概率。</translation>
    </message>
    <message>
        <source>Pause or stop training first, then open the model in the explorer.</source>
        <translation>请先暂停或停止训练，再在探索器中打开模型。</translation>
    </message>
</context>
<context>
    <name>UnrolledPanel</name>
    <message>
        <source>‖∂L/∂hₜ‖ (BPTT)</source>
        <translation>‖∂L/∂hₜ‖（随时间反向传播）</translation>
    </message>
    <message>
        <source>‖∂Lτ/∂hₜ‖ of one loss step τ</source>
        <translation>单个损失时间步 τ 的 ‖∂Lτ/∂hₜ‖</translation>
    </message>
    <message>
        <source>‖∂s(t₀+k)/∂s(t₀)‖ from the anchor</source>
        <translation>自锚点起的 ‖∂s(t₀+k)/∂s(t₀)‖</translation>
    </message>
    <message>
        <source>What colours and widens the arrows: the whole loss&apos;s gradient on every state, the gradient of the loss at one step τ, or the Jacobian product from the anchor t₀</source>
        <translation>决定箭头颜色与粗细的量：总损失对每个状态的梯度、某一时间步 τ 的损失的梯度，或自锚点 t₀ 起的雅可比矩阵乘积</translation>
    </message>
    <message>
        <source>The loss step τ whose gradient the arrows show (the steps that carry a loss)</source>
        <translation>箭头所示梯度对应的损失时间步 τ（带有损失的时间步）</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Run backpropagation through time step by step (Space: play or pause; ← →: one step, when the plot has the focus)</source>
        <translation>逐步演示随时间反向传播（空格：播放或暂停；← →：单步，需图获得焦点）</translation>
    </message>
    <message numerus="yes">
        <source>%n steps/s</source>
        <translation>
            <numerusform>每秒 %n 步</numerusform>
        </translation>
    </message>
    <message>
        <source>How many steps Play reveals per second</source>
        <translation>播放时每秒展开的步数</translation>
    </message>
    <message>
        <source>Gradient:</source>
        <translation>梯度：</translation>
    </message>
    <message>
        <source>Unrolled network</source>
        <translation>按时间展开的网络</translation>
    </message>
    <message>
        <source>step t</source>
        <translation>时间步 t</translation>
    </message>
    <message>
        <source>log₁₀ ‖∂L/∂hₜ‖</source>
        <translation>log₁₀ ‖∂L/∂hₜ‖</translation>
    </message>
    <message>
        <source>Wheel: zoom in time · drag: pan · Space: play/pause · ← →: one step (click the plot first) · double-click: this plot alone</source>
        <translation>滚轮：沿时间缩放 · 拖动：平移 · 空格：播放/暂停 · ← →：单步（先点击此图） · 双击：单独显示此图</translation>
    </message>
    <message>
        <source>log₁₀</source>
        <translation>log₁₀</translation>
    </message>
    <message>
        <source>log₁₀ ‖∂L/∂hₜ‖; dashed: ‖∂L/∂cₜ‖</source>
        <translation>log₁₀ ‖∂L/∂hₜ‖；虚线：‖∂L/∂cₜ‖</translation>
    </message>
    <message>
        <source>log₁₀ ‖∂Lτ/∂hₜ‖; dashed: ‖∂Lτ/∂cₜ‖</source>
        <translation>log₁₀ ‖∂Lτ/∂hₜ‖；虚线：‖∂Lτ/∂cₜ‖</translation>
    </message>
    <message>
        <source>log₁₀ ‖∂Lτ/∂hₜ‖</source>
        <translation>log₁₀ ‖∂Lτ/∂hₜ‖</translation>
    </message>
    <message>
        <source>log₁₀ ‖∂sˡ(t₀+k)/∂sˡ(t₀)‖ of each layer</source>
        <translation>各层的 log₁₀ ‖∂sˡ(t₀+k)/∂sˡ(t₀)‖</translation>
    </message>
    <message>
        <source>log₁₀ ‖∂s(t₀+k)/∂s(t₀)‖</source>
        <translation>log₁₀ ‖∂s(t₀+k)/∂s(t₀)‖</translation>
    </message>
    <message>
        <source>Lower layers: not itemized for a network this large (time budget)</source>
        <translation>下层：网络规模较大，受计算时间所限，未逐项计算</translation>
    </message>
    <message>
        <source>All Jacobian products are exactly 0</source>
        <translation>所有雅可比矩阵乘积都恰好为 0</translation>
    </message>
    <message>
        <source>All gradients are exactly 0</source>
        <translation>所有梯度都恰好为 0</translation>
    </message>
    <message>
        <source>‖∂sˡ(t₀+k)/∂sˡ(t₀)‖ of each layer l, t₀ = %1</source>
        <translation>各层 l 的 ‖∂sˡ(t₀+k)/∂sˡ(t₀)‖，t₀ = %1</translation>
    </message>
    <message>
        <source>‖∂L/∂hₜ‖</source>
        <translation>‖∂L/∂hₜ‖</translation>
    </message>
    <message>
        <source>‖∂Lτ/∂hₜ‖, τ = %1</source>
        <translation>‖∂Lτ/∂hₜ‖，τ = %1</translation>
    </message>
    <message>
        <source>‖∂s(t₀+k)/∂s(t₀)‖, t₀ = %1</source>
        <translation>‖∂s(t₀+k)/∂s(t₀)‖，t₀ = %1</translation>
    </message>
    <message>
        <source>Lower layers: itemized only at some loss steps (time budget), not at this τ</source>
        <translation>下层：受计算时间所限，只在部分损失步上逐项计算，此 τ 不在其中</translation>
    </message>
    <message>
        <source>; dashed: c→c block</source>
        <translation>；虚线：c→c 块</translation>
    </message>
    <message>
        <source>; dashed: c line</source>
        <translation>；虚线：c 线</translation>
    </message>
    <message>
        <source>, truncated at k = %1</source>
        <translation>，截断于 k = %1</translation>
    </message>
    <message>
        <source>steps %1–%2 of %3</source>
        <translation>第 %1–%2 步，共 %3 步</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <source> forward</source>
        <translation> 正向</translation>
    </message>
    <message>
        <source> backward</source>
        <translation> 反向</translation>
    </message>
    <message>
        <source>t = %1, %2: arrow into h(t) %3</source>
        <translation>t = %1，%2：进入 h(t) 的箭头 %3</translation>
    </message>
    <message>
        <source>, c line %1</source>
        <translation>，c 线 %1</translation>
    </message>
    <message>
        <source>t = %1: x(t) = 0, the decoder reads no input</source>
        <translation>t = %1：x(t) = 0，解码器没有输入</translation>
    </message>
    <message>
        <source>t = %1: x(t) → h(t) %2</source>
        <translation>t = %1：x(t) → h(t) %2</translation>
    </message>
    <message>
        <source>t = %1: h(t) → y(t) %2</source>
        <translation>t = %1：h(t) → y(t) %2</translation>
    </message>
    <message>
        <source>t = %1: loss L(t) %2</source>
        <translation>t = %1：损失 L(t) %2</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>ViewBox</name>
    <message>
        <source>ViewBox options</source>
        <translation>视图选项</translation>
    </message>
    <message>
        <source>View All</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <source>Mouse Mode</source>
        <translation>鼠标模式</translation>
    </message>
    <message>
        <source>3 button</source>
        <translation>三键</translation>
    </message>
    <message>
        <source>1 button</source>
        <translation>单键</translation>
    </message>
    <message>
        <source>axis</source>
        <translation>轴</translation>
    </message>
</context>
</TS>
