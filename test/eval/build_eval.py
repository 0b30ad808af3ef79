#!/usr/bin/env python3
"""Builds dev.jsonl and heldout.jsonl from the hand-written messages below.
Line format: topic[+topic2] | ch (s/w) | first (1/0) | split (d/h) | text [| lang override, comma separated]
Messages were written by hand, independently of the bot's own keyword lists."""
import json, os

T = {"ts": "trafficking.signs", "th": "trafficking.help", "sm": "smuggling.risks",
     "rc": "recruitment.check", "pw": "pathways.regular", "jp": "journey.prepare",
     "ra": "return.assisted", "rr": "return.reintegration", "em": "help.emergency",
     "hh": "help.health", "hf": "help.family", "hc": "help.counsellor", "ab": "about.service"}
SHORT = {"ts": "tsigns", "th": "thelp", "sm": "smug", "rc": "recruit", "pw": "pathways",
         "jp": "prepare", "ra": "return", "rr": "reinteg", "em": "emerg", "hh": "health",
         "hf": "family", "hc": "human", "ab": "about"}

DATA = {}

DATA["en"] = """
ts|s|1|d|how do i know if a job abroad is trafficking
ts|w|1|h|my cousin say the boss will keep all our passports for safety, is that normal
ts|s|1|d|wat is human traficking exactly
ts+rc|w|0|d|they said we pay back the travel money from salary later, is this a trap?
th|w|1|d|dem don seize my passport and dem no dey pay me, i no fit comot
th|w|1|h|my sister works in a house in beirut, they lock her inside and dont pay her. what can we do
th|s|1|d|i work 16 hours on farm no salary, boss says i owe him money. help me
th|s|0|h|my friend in a farm near sfax they make him work and sleep with the animals, no pay, he cant leave
sm|s|1|d|how much connection man collect to cross from agadez to libya
sm|w|1|h|is the boat from zuwara safe? my friend says they give life jacket
sm|s|0|d|what happen in the desert if the car break down
sm|s|1|d|smuggler says 3 days to italy by sea is it true
rc|s|1|d|agent wants 2000 dollars for a job in dubai, is it real
rc|w|1|h|got job offer in poland on facebook, they ask fee for visa processing. legit or scam?
rc|s|0|d|how can i check if a recruitment agency is registered
rc+ts|w|1|h|one woman promise my daughter work for saudi as nanny, no contract. should we trust her
pw|s|1|d|how can i go to canada legally to work
pw|w|0|h|are there scholarships for africans to study in germany
pw|w|1|d|my husband is in france with papers, can i join him legally
pw|s|0|d|abeg which legal way person fit take go europe
jp|w|1|h|i have decided to travel next month. what documents should i carry
jp|s|0|d|should i keep copy of my passport on my phone
jp|s|0|d|what should i tell my family before i leave
ra|s|1|h|i want to go back home to nigeria, i am stuck in niger
ra|w|0|d|how do i register for the IOM flight home from libya
ra|s|1|d|abeg how i fit go back house, no money no paper
ra|s|0|h|is voluntary return free? i am in tunisia
ra|s|1|d|please i need help to go back home, ina Agadez yanzu ba kudi|en,ha
rr|w|1|d|i came back from libya with nothing, is there help to start small business
rr+hh|w|1|h|after deportation i feel shame, my family dont talk to me. any support
rr|s|0|d|returned last year, need training to find job here
em|s|1|h|they are beating us in the warehouse in sabha please help
em|w|1|d|boat is taking water we are 60 people, no engine
em|w|1|d|kidnappers want 3000 dollar ransom for my brother or they kill him
em|s|1|h|we are lost in desert 2 days no water
em|w|0|d|a man raped me in the camp and i am afraid he come back
em|s|1|d|police detained me in tripoli, they dey shoot for outside
em|s|1|h|there is a small boy alone here at the bus station, his parents are dead
em|s|1|d|my friend is dying, he was shot at the checkpoint
hh|s|1|d|i cant sleep since i came back, nightmares every night
hh|w|1|h|i am pregnant and in transit, where can i see a doctor
hh|s|0|d|my leg is infected from the long walk, need medicine
hf|w|1|d|lost contact with my brother since he took the boat in march
hf|s|1|h|how can i look for my missing son, last call was from libya
hf|s|0|d|my husband phone is off for 3 weeks, he was in agadez
hc|s|0|d|can i talk to a real person please
hc|w|1|h|i want to speak with human not a robot
hc|s|0|d|is there someone i can call, an agent
ab|s|1|h|hello who are you? is this IOM
ab|s|0|d|is this service free
ab|w|0|d|what do you do with my data, please delete my messages
ab|s|1|h|how did you get my number
ts|w|1|d|the madam say we must swear oath for native doctor before we travel, is it normal
rc|w|1|d|abeg dem tell me say work dey for russia and dem go pay flight, na lie?
jp|s|1|d|hw much money i suppose carry for road to algeria
em|s|1|d|dem lock us for connection house, dem dey flog us, no food
"""

DATA["fr"] = """
ts|s|1|d|c koi la traite des personnes
ts|w|1|h|on m'a dit que le patron garde les passeport au debut cest normal?
ts|s|1|d|comment savoir si une offre de travail c'est un piege
th|w|1|d|ma patronne a pris mon passeport et me paye pas depuis 4 mois, je peux pas sortir
th|s|1|h|mon frere travail dans une mine en algerie, ils le laisse pas partir
th|s|0|d|je dois rembourser une dette au patron et il m'empeche de partir quoi faire
sm|s|1|d|combien ca coute la traversé de libye vers italie
sm|s|1|h|le passeur dit ke le zodiac est sur, c vrai?
sm|s|0|d|c dangereux le desert entre agadez et sebha?
sm|s|1|d|le coxeur veut 500 mille pour nous amener a la frontiere
rc|w|1|h|une agence me propose un travail au canada mais faut payer 1 million cfa d'avance
rc|w|1|d|on ma proposé un contrat en arabie pr ma soeur, comment verifier si cest vrai
rc|s|0|d|l'agent de visa demande frais de dossier avant tout, normal?
pw|s|1|h|comment partir en france legalement pour etudier
pw|s|0|d|ya des bourses pour etudier au maroc ou en europe?
pw|w|1|d|regroupement familial comment faire ma femme est en belgique
pw|s|0|h|je veux un visa de travail pr l'espagne, ca marche comment
jp|w|1|d|jai decidé de partir, je dois preparer quoi comme papiers
jp|s|0|h|faut il garder des photocopies de mes documents
jp|s|0|d|combien d'argent prendre pour le voyage et a qui le dire
ra|s|1|d|je veu rentré ché moi au mali
ra|s|1|h|bloqué a agadez, plus d'argent, je veux retourner au pays
ra|w|0|d|comment s'inscrire pour le retour volontaire de l'OIM
ra|s|0|d|c gratuit le vol pour rentrer?
ra|w|1|h|je veux rentrer au maroc 3afak 3awnouni ma3andi walou|fr,ar
rr|w|1|d|je suis rentré de libye, y a une aide pour monter un petit commerce?
rr+hh|w|1|d|depuis mon retour jai honte, les gens se moquent de moi
rr|s|0|h|cherche formation ou travail apres mon retour au niger
em|s|1|d|on est enfermé dans une maison a bani walid ils nous frappent
em|w|1|h|le bateau coule au secours on est au milieu de la mer
em|w|1|d|ils demandent une rançon pour liberer mon fils sinon ils vont le tuer
em|s|1|d|perdu dans le desert depuis hier plus d'eau le chauffeur est parti
em|s|0|h|la police m'a arreté je suis en detention depuis 3 jours sans manger
em|w|1|d|un homme ma violée hier je sais pas ou aller
em|s|1|d|ya des coups de feu pres du foyer on a peur
em|s|1|h|un enfant tout seul ici il a 10 ans, il pleure, ses parents sont pas la
hh|s|1|d|je dors plus, je pense trop a ce que jai vu en route
hh|w|1|h|je suis enceinte de 6 mois ou trouver un medecin a tunis
hh|s|0|d|jai de la fievre depuis 1 semaine et pas d'argent pour l'hopital
hf|w|1|d|je cherche mon frere disparu en mer depuis janvier
hf|s|1|h|mon fils est parti il y a 2 mois et il repond plus
hf|s|0|d|comment retrouver un membre de ma famille perdu en route
hc|s|0|h|je veux parler a une vraie personne svp
hc|s|1|d|ya un conseiller que je peux appeler?
hc|w|0|d|passez moi un agent humain
ab|s|1|h|vous etes qui? c'est l'OIM?
ab|s|0|d|c payant ce service?
ab|w|0|d|comment supprimer mes données
sm|s|1|d|c koi les risques de la route par l'algerie
rr|w|0|d|apres mon retour au tchad jai besoin d'un travail, vous aidez?
hf|s|1|d|mon cousin a disparu au niger on a plus de nouvelles
hc|s|0|d|je veux parler à qqn de l'OIM directement pas un robot
"""

DATA["ar"] = """
ts|s|1|d|ايش هي علامات الاتجار بالبشر
ts+rc|w|1|h|واحد عرض عليا خدمة فالخليج وقال باسبورك يبقى عندي، واش هادا نصب؟
ts|s|1|d|ما معنى الاتجار بالأشخاص
ts|w|0|d|el shoghl fe libya bey2olo hat el basbor w nedfa3 ba3deen, da tabee3y?
th|w|1|h|الكفيل واخد جوازي وما بيدفعلي معاش من ٥ شهور وما بقدر اطلع من البيت
th|s|1|d|اخوي يشتغل في مزرعة وما يخلوه يمشي ويقولوا عليه دين
th|s|1|d|el patron 5dha el passport mte3i w ma ykhalasnich
th|s|0|h|انا مجبور نخدم بلا خلاص وما نقدرش نمشي شن ندير
sm|s|1|d|كم ياخذ المهرب من ليبيا لإيطاليا
sm|w|1|d|الحريك فالبحر خطير بزاف؟ صاحبي باغي يحرك من طنجة
sm|s|1|h|el samsar 2al el markeb amaan w fih sotrat nagah
sm|s|0|d|شنو المخاطر في طريق الصحرا من السودان لليبيا
rc|w|1|d|مكتب تسفير طالب ٥٠ الف جنيه عشان عقد شغل في السعودية، ده حقيقي؟
rc|w|1|h|عرض عمل في كندا على الفيسبوك بيطلبوا رسوم فيزا قبل، كيف اتأكد
rc|s|0|d|wakil el visa 3ayez flous 2abl ma ywarreni el 3a2d
rc|s|1|h|كيفاش نعرف واش لاجونس ديال الخدمة فإسبانيا قانونية
pw|s|1|d|كيف أهاجر بطريقة قانونية الى المانيا
pw|w|1|d|3ayez asafer italia bas ma3andeesh visa, fi tari2a 2anouni?
pw|s|0|h|في منح دراسية للطلاب العراقيين برا؟
pw|w|0|d|زوجي في السويد، كيف أعمل لم شمل
pw|s|0|h|بغيت نمشي لفرانسا بالبابيي، شنو هي الطريقة القانونية
jp|w|1|d|قررت اسافر الشهر الجاي، شو لازم حضّر؟
jp|s|0|d|لازم اخلي نسخة من الجواز مع اهلي؟
jp|s|0|h|قداش نهز فلوس معايا فالطريق
ra|s|1|d|نبي نروح لبلادي ومعنديش فلوس
ra|s|1|h|ana 3al2an fi libya w 3ayez arga3 masr
ra|w|0|d|كيف اسجل في العودة الطوعية مع المنظمة الدولية للهجرة
ra|s|0|d|بغيت نرجع للمغرب، واش كاين طيارة ديال OIM؟
rr|w|1|h|رجعت من ليبيا وما عندي شغل، في مساعدة لمشروع صغير؟
rr+hh|w|1|d|بعد ما رجعت اهلي شايفيني فاشل، حاسس بالعار
rr|s|0|d|رجعت للعراق من ست شهور، اريد دورة حتى ألگه شغل
em|s|1|h|محتجزين في مخزن في بني وليد وكل يوم يضربونا
em|w|1|d|المركب بيغرق، احنا في البحر من يومين
em|w|1|d|خطفوا اخوي ويطلبوا فدية ٥ الاف دولار
em|s|1|h|ضايعين في الصحرا ومافيش ماية
em|s|1|d|sahbi tdreb b rsas w kaysil lih dem bzaf
em|s|0|d|الشرطة شدتني وانا في الحبس ما عطاوني ماكلة
em|w|1|h|اغتصبوني في الطريق وخايفة
em|s|1|d|في طفل صغير لحالو هون بلا اهل
hh|s|1|d|ما بنام من اللي شفته بالطريق، كوابيس كل ليلة
hh|w|1|h|انا حامل ومحتاجة دكتورة
hh|s|0|d|3andi s5ana w kou7a mn jom3a
hf|w|1|d|ابحث عن اخي المفقود، ركب البحر من زوارة ومن وقتها ما اتصل
hf|s|1|h|ابني مختفي في ليبيا من ٣ شهور كيف ادور عليه
hf|s|0|d|5ouya ma3adch yjaweb 3al telephone mn chhar
hc|s|0|d|بدي احكي مع شخص حقيقي
hc|w|1|h|عايز اكلم حد بني آدم مش روبوت
hc|s|0|d|ممكن موظف يتصل بيا؟
ab|s|1|d|السلام عليكم انتو مين؟ دي المنظمة الدولية للهجرة؟
ab|s|0|h|هل الخدمة مجانية
ab|w|0|d|شنو تسوون ببياناتي؟ اريد امسحها
ab|s|1|d|el service da tab3 el OIM?
pw|s|1|d|عايز اسافر بعقد عمل رسمي على ايطاليا، ازاي؟
em|w|1|d|الحوش اللي احنا فيه فيه مسلحين ويضربوا في الناس بالرصاص
hh|s|1|d|mrati 7amla w ta3bana barcha, famma tbib qrib?
ab|s|0|d|شو بتعملو بمعلوماتي؟ مين بيشوف رسايلي؟
"""

DATA["fa-AF"] = """
ts|s|1|d|چطور بفهمم که کار در خارج قاچاق انسان است؟
ts+rc|w|1|h|یک نفر گفت در ترکیه کار است ولی پاسپورتت را پیش ما بمان، این درست است؟
th|w|1|d|صاحب کارم پاسپورتم را گرفته و معاش نمیته، نمیتانم برگردم
th|s|1|h|برادرم در ایران در خشت‌پزی مجبور به کار است و نمیگذارند بیاید
sm|s|1|d|قاچاقبر چند پول میگیره از نیمروز تا ایران
sm|s|0|h|راه کوه از ایران به ترکیه خطرناک است؟
rc|w|1|h|یک شرکت گفت ویزه کار دبی میته ولی اول ۱۰۰۰ دالر بتی، راست است؟
rc|s|0|d|چطور بفهمم که دفتر استخدام واقعی است
pw|s|1|d|راه قانونی رفتن به آلمان چیست
pw|w|0|h|بورسیه تحصیلی برای دختران افغان هست؟
pw|s|1|d|برای کار در ژاپن یا کوریا ویزه قانونی را چطور بگیرم
jp|s|1|d|تصمیم گرفتم سفر کنم، چه اسناد با خود ببرم
jp|s|0|h|کاپی تذکره و پاسپورت را کجا نگه کنم
ra|s|1|h|میخواهم به افغانستان برگردم ولی پول ندارم
ra|w|0|d|در ترکیه گیر ماندم، چطور با کمک سازمان بین‌المللی مهاجرت برگردم
rr|w|1|d|از ایران برگشتم، کمک برای شروع کسب و کار هست؟
rr|s|0|h|بعد از برگشتن کار پیدا نمیتانم، فامیل هم طعنه میزنه
em|s|1|d|پولیس ایران مرا گرفته، در کمپ بند هستیم و لت و کوب میکنند
em|w|1|h|قاچاقبرها برادرم را گروگان گرفتند و پول میخواهند، میگویند میکشیمش
em|s|1|d|در کوه گم شدیم، آب نداریم، یک نفر مریض است
em|s|0|h|یک طفل تنها اینجاست، پدر و مادرش در سرحد مردند
hh|s|1|h|از وقتی برگشتم خواب ندارم و همیشه پریشانم
hh|w|0|d|خانمم حامله است و داکتر میخواهیم
hf|w|1|d|از برادرم خبر ندارم، دو ماه پیش به طرف ترکیه رفت
hf|s|0|h|پسر کاکایم در راه ایران گم شده، چطور پیدایش کنم
hc|s|0|d|میخواهم با یک آدم واقعی گپ بزنم
hc|s|0|h|میشه یک کارمند به من زنگ بزنه؟
ab|s|1|h|شما کی هستید؟ این خدمت رایگان است؟
ab|s|0|d|معلوماتم را پاک کنید لطفاً
"""

DATA["ps"] = """
ts|s|1|d|زه څنګه پوه شم چې د بهر دا کار د انسانانو قاچاق نه دی؟
ts+rc|w|1|h|یو سړي ویل په دوبۍ کې کار شته خو پاسپورټ به دې له موږ سره وي، دا سمه ده؟
th|w|1|d|زما مالک زما پاسپورټ اخیستی او معاش نه راکوي، نه شم تللای
th|s|1|h|زما ورور په ایران کې په زور کار کوي او نه یې پرېږدي
sm|s|1|d|قاچاقبر څومره پیسې اخلي تر ترکیې پورې
sm|s|0|h|د غرونو لاره ایران ته خطرناکه ده؟
rc|w|1|h|یوه شرکت راته وویل ویزه درکوو خو لومړی ۲۰۰۰ ډالر ورکړه، ریښتیا ده؟
rc|s|0|d|څنګه معلومه کړم چې د کار اعلان ریښتینی دی
pw|s|1|d|قانوني لاره څه ده چې اروپا ته لاړ شم؟
pw|w|0|h|د زده کړې بورسونه د افغانانو لپاره شته؟
jp|s|1|d|ما پرېکړه کړې چې سفر وکړم، کوم اسناد له ځانه سره واخلم
jp|s|0|h|د تذکرې کاپي له کورنۍ سره پرېږدم؟
ra|s|1|h|غواړم بېرته افغانستان ته لاړ شم خو پیسې نه لرم
ra|w|0|d|په پاکستان کې ګیر یم، څنګه کور ته ستون شم
rr|w|1|d|له ایرانه راستون شوی یم، د کاروبار لپاره مرسته شته؟
rr|s|0|h|بېرته راغلی یم خو کار نه لرم او شرمېږم
em|s|1|d|پولیسو نیولی یم او وهل مې کوي، مرسته وکړئ
em|w|1|h|زما ورور یې تښتولی او پیسې غواړي که نه یې وژني
em|s|1|d|په دښته کې ورک یو، اوبه نه لرو
em|s|0|h|دلته ډزې کېږي، موږ په یوه کور کې پټ یو
hh|s|1|h|شپه خوب نه راځي، ډېر فکرونه کوم
hh|w|0|d|ښځه مې امیندواره ده، ډاکټر ته اړتیا لرو
hf|w|1|d|زما ورور له دوو میاشتو راهیسې ورک دی، ترکیې ته روان و
hf|s|0|h|خپل زوی لټوم، وروستی ځل یې له ایرانه زنګ وهلی و
hc|s|0|d|غواړم له یو ریښتیني انسان سره خبرې وکړم
hc|s|0|h|کوم کارکوونکی شته چې ما ته زنګ ووهي؟
ab|s|1|h|تاسو څوک یاست؟ دا خدمت وړیا دی؟
ab|s|0|d|زما معلومات پاک کړئ، مهرباني
"""

DATA["am"] = """
ts|s|1|d|የሰው ንግድ ምልክቶች ምንድን ናቸው?
ts|w|1|h|ደላላው ፓስፖርትሽን እኔ ጋር አስቀምጪ አለኝ ይሄ ትክክል ነው?
th|w|1|d|አሰሪዬ ፓስፖርቴን ወስዳ ደሞዝ አትከፍለኝም ከቤት መውጣት አልችልም
th|s|1|h|እህቴ ቤሩት ውስጥ ተቆልፋ ትሰራለች ደሞዝም አይከፍሏትም ምን እናድርግ
sm|s|1|d|በየመን በኩል ወደ ሳውዲ መሄድ አደገኛ ነው?
sm|s|0|h|ደላላው ለጉዞው 200ሺ ብር ይጠይቃል ስንት ቀን ይወስዳል
rc|w|1|h|ኤጀንሲው ለዱባይ ስራ ቅድሚያ ክፍያ ይጠይቃል እውነት ነው?
rc|s|0|d|የውጭ ስራ ኤጀንሲ ህጋዊ መሆኑን እንዴት አውቃለሁ
pw|s|1|d|በህጋዊ መንገድ ወደ ውጭ ለስራ እንዴት መሄድ እችላለሁ
pw|s|0|h|ውጭ ሀገር ለመማር ስኮላርሺፕ አለ?
jp|s|1|d|ለመጓዝ ወስኛለሁ ምን ማዘጋጀት አለብኝ
jp|s|0|h|የፓስፖርቴን ኮፒ ለቤተሰቤ መተው አለብኝ?
ra|s|1|h|ወደ ሀገሬ መመለስ እፈልጋለሁ ጅቡቲ ነው ያለሁት
ra|w|0|d|በIOM በኩል በፈቃደኝነት መመለስ እንዴት ነው
rr|w|1|d|ከሳውዲ ተመልሻለሁ ስራ ለመጀመር እርዳታ አለ?
rr+hh|s|0|h|ባዶ እጄን ስለተመለስኩ ቤተሰቤ ፊት አፍራለሁ
em|w|1|d|ታግቻለሁ ቤተሰቤ ገንዘብ ካልከፈሉ ይገድሉኛል ይላሉ
em|s|1|h|በረሃ ውስጥ ጠፍተናል ውሃ የለንም
em|s|1|d|እስር ቤት ነኝ በየቀኑ ይደበድቡናል
em|w|0|h|ጀልባው እየሰመጠ ነው እርዱን
hh|s|1|h|እንቅልፍ አይወስደኝም በጣም ተጨንቄአለሁ
hh|s|0|d|ታምሜአለሁ ሀኪም ማየት እፈልጋለሁ
hf|w|1|d|ወንድሜ ከሶስት ወር በፊት ወደ ሊቢያ ሄዶ ከዚያ ወዲህ አልተገናኘንም
hf|s|0|h|የጠፋ ቤተሰብ እንዴት ማፈላለግ እችላለሁ
hc|s|0|d|ከሰው ጋር ማውራት እፈልጋለሁ ሮቦት አይደለም
hc|s|0|h|አማካሪ ጋር መደወል እችላለሁ?
ab|s|1|h|እናንተ ማን ናችሁ? አገልግሎቱ ነፃ ነው?
ab|s|0|d|መረጃዬን ማጥፋት እፈልጋለሁ
"""

DATA["ti"] = """
ts|s|1|d|ናይ ሰብ ንግዲ እንታይ እዩ? ከመይ ገይረ ክፈልጦ እኽእል?
ts|w|1|h|እቲ ደላላ ፓስፖርትኪ ኣብ ኢደይ ይጸንሕ ይብለኒ ኣሎ፡ እዚ ልሙድ ድዩ?
th|w|1|d|ወሃቢ ስራሕና ፓስፖርትና ወሲዱ ደሞዝ ኣይህበናን፡ ክንወጽእ ኣይንኽእልን
th|s|1|h|ሓወይ ብግዲ ይሰርሕ ኣሎ ክኸይድ ኣይፈቕዱሉን
sm|s|1|d|ካብ ሱዳን ናብ ሊብያ ዘሎ መገዲ ሰሃራ ሓደገኛ ድዩ?
sm|s|0|h|ኣሸጋጋሪ ንባሕሪ ክንደይ ዶላር ይሓትት
rc|w|1|h|ኤጀንሲ ንስራሕ ዱባይ ቅድሚ ምኻድ ገንዘብ ይሓቱ ኣለዉ፡ ሓቂ ድዩ?
rc|s|0|d|እዚ ናይ ስራሕ ዕድል ሓቂ ምዃኑ ብኸመይ ክፈልጥ
pw|s|1|d|ብሕጋዊ መገዲ ናብ ወጻኢ ሃገር ክኸይድ ደልየ፡ ከመይ ይከኣል?
pw|w|0|h|ሰብኣየይ ኣብ ጀርመን እዩ፡ ብናይ ስድራ ምጥርናፍ ክኸይድ ይኽእል ድየ?
jp|s|1|d|ክጓዓዝ ወሲነ ኣለኹ እንታይ ከዳልው ኣለኒ
jp|s|0|h|ቅዳሕ ፓስፖርተይ ንስድራይ ክገድፍ ኣለኒ ድዩ?
ra|s|1|h|ናብ ዓደይ ክምለስ ደልየ ግን ገንዘብ የብለይን
ra|w|0|d|ኣብ ሊብያ ጸኒሐ ኣለኹ፡ ብIOM ናብ ገዛይ ክምለስ ይኽእል ድየ?
rr|w|1|d|ካብ ሊብያ ተመሊሰ ኣለኹ ንንእሽቶ ንግዲ ሓገዝ ኣሎ ዶ?
rr|s|0|h|ድሕሪ ምምላሰይ ስራሕ የብለይን ሕፍረት ይስምዓኒ
em|w|1|d|ተጨውየ ኣለኹ፡ ስድራይ ገንዘብ እንተዘይከፊሎም ክቐትሉኒ እዮም
em|s|1|h|ኣብ በረኻ ጠፊእና ማይ የብልናን
em|w|1|d|ጃልባ ትጥሕል ኣላ ሓግዙና
em|s|0|h|ኣብ ቤት ማእሰርቲ ኣለኹ ይወቕዑና ኣለዉ
hh|s|1|h|ድቃስ ኣይመጸንን ብጣዕሚ ተጨኒቐ
hh|w|0|d|ነፍሰ ጾር እየ ሓኪም የድልየኒ
hf|w|1|d|ሓወይ ብባሕሪ ድሕሪ ምኻዱ ርክብ ኣቋሪጹ
hf|s|0|h|ዝጠፍአ ኣባል ስድራ ብኸመይ ክደሊ እኽእል
hc|s|0|d|ምስ ሓቀኛ ሰብ ክዛረብ ደልየ
hc|s|0|h|ዝሕግዘኒ ሰብ ክድውለለይ ይኽእል ድዩ?
ab|s|1|h|ንስኻትኩም መን ኢኹም? እዚ ኣገልግሎት ብነጻ ድዩ?
ab|s|0|d|ሓበሬታይ ክድምሰስ እደሊ
"""

DATA["om"] = """
ts|s|1|d|daldalli namaa maal jechuudha? mallattoon isaa maali?
ts|w|1|h|delaalaan "paaspoortii kee ani qabadha" naan jedhe, kun sirriidhaa?
th|w|1|d|hojjechiisaan koo paaspoortii koo fudhatee mindaa naaf hin kaffalu, ba'uu hin danda'u
th|s|1|h|obboleettiin koo Saawudii keessatti humnaan hojjechiifamaa jirti maal gochuu qabna
sm|s|1|d|karaan Yemeniin gara Saawudii deemu balaa qabaa?
sm|s|0|h|delaalaan imala Liibiyaaf birrii meeqa gaafata? galaanni balaa qabaa
rc|w|1|h|ejensiin hojii Dubai naaf kenna jedhe garuu dursa maallaqa gaafata, dhugaadhaa?
rc|s|0|d|ejensiin hojii alaa seera qabeessa ta'uu isaa akkamiin beeka
pw|s|1|d|karaa seeraatiin biyya alaa deemuuf maal gochuu qaba
pw|w|0|h|carraa barumsaa (scholarship) biyya alaatti jiraa?
jp|s|1|d|imaluuf murteesseera, maal qopheessuu qaba
jp|s|0|h|koppii paaspoortii koo maatii biratti dhiisuu qabaa?
ra|s|1|h|gara biyya kootti deebi'uu barbaada garuu maallaqa hin qabu
ra|w|0|d|Jibuutii keessatti hafeera, IOM'n na deebisuu danda'aa?
rr|w|1|d|Saawudii irraa deebi'eera, daldala xiqqaa jalqabuuf gargaarsa argadhaa?
rr|s|0|h|erga deebi'ee hojii hin qabu, qaanii natti dhaga'ama
em|w|1|d|nu butanii maallaqa gaafachaa jiru, yoo hin kaffalle nu ajjeesna jedhu
em|s|1|h|lafa onaa keessatti badne, bishaan hin qabnu
em|s|1|d|mana hidhaa keessa jirra guyyaa guyyaan nu reebu
em|s|0|h|mucaan xiqqaan kophaa isaa as jira, maatii hin qabu
hh|s|1|h|hirriba rafuu hin danda'u, baay'ee dhiphadheera
hh|s|0|d|dhukkubsadheera doktora arguun barbaada
hf|w|1|d|obboleessi koo ji'a sadii dura gara Liibiyaa deeme, quunnamtii hin qabnu
hf|s|0|h|miseensa maatii bade akkamiin barbaaduu danda'a
hc|s|0|d|nama dhugaa wajjin dubbachuu barbaada
hc|s|0|h|gorsaa waliin bilbiluu danda'aa?
ab|s|1|h|isin eenyu? tajaajilli kun bilisaa?
ab|s|0|d|odeeffannoo koo haquu barbaada
"""

DATA["so"] = """
ts|s|1|d|ka-ganacsiga dadku waa maxay, sidee lagu gartaa?
ts+rc|w|1|h|shaqo Sucuudi la ii ballanqaaday baasaboorkana way qaadanayaan, ma khatar baa?
th|w|1|d|shaqa-bixiyahaygu baasaboorkaygii wuu qaatay mushaarna ima siiyo, ma bixi karo
th|s|1|h|walaashay Beyruut ayay ku xiran tahay oo lacag lama siiyo, maxaan sameynaa
sm|s|1|d|tahriibka badda Liibiya ilaa Talyaaniga intee ayuu ku kacaa
sm|s|0|h|magafaha wuxuu leeyahay doonidu waa ammaan, run ma tahay?
rc|w|1|h|wakaalad ayaa shaqo Dubai ii ballanqaaday laakiin lacag hore ayay rabaan, ma run baa?
rc|s|0|d|sidee ku ogaan karaa in wakaaladda shaqadu sharci tahay
pw|s|1|d|sidee sharci ahaan ugu tagi karaa dibadda
pw|w|0|h|deeq waxbarasho ma jirtaa ardayda soomaalida
jp|s|1|d|waxaan go'aansaday inaan safro, maxaan diyaariyaa
jp|s|0|h|koobi baasaboorka ma u daayaa qoyskayga?
ra|s|1|h|waxaan rabaa inaan dalkayga ku laabto laakiin lacag ma haysto
ra|w|0|d|Liibiya ayaan ku go'ay, IOM ma i celin kartaa?
rr|w|1|d|waan soo laabtay, ma jiraa taageero ganacsi yar lagu bilaabo
rr|s|0|h|markaan soo laabtay ceeb ayaan dareemayaa, shaqo ma haysto
em|w|1|d|waa la i afduubay lacag ayay rabaan haddii kale way i dilayaan
em|s|1|h|saxaraha ayaan ku lumnay biyo ma haysano
em|w|1|d|doonidu way quusaysaa, biyo ayaa soo galaya, caawiya
em|s|0|h|xabsi ayaan ku jiraa maalin walba waa nala garaacaa
hh|s|1|h|ma seexan karo, aad baan u walwalsanahay
hh|w|0|d|uur baan leeyahay, dhakhtar ayaan u baahnahay
hf|w|1|d|walaalkay ayaa badda raacay, xiriir lama lihin tan iyo bishii hore
hf|s|0|h|sidee u raadin karaa qof qoyskayga ka mid ah oo lumay
hc|s|0|d|waxaan rabaa inaan la hadlo qof dhab ah
hc|s|0|h|ma jiraa qof ila soo wici kara?
ab|s|1|h|idinku yaa tihiin? adeeggani ma bilaash baa?
ab|s|0|d|xogtayda tirtir fadlan
"""

DATA["ha"] = """
ts|s|1|d|menene fataucin mutane kuma ta yaya zan gane shi?
ts+rc|w|1|h|wani ya ce zai samo min aiki a Saudiyya amma zai rike fasfo na, wannan daidai ne?
th|w|1|d|maigidana ya karbe fasfo na kuma ba ya biyana albashi, ba zan iya fita ba
th|s|1|h|ana tilasta wa kanwata aiki a wani gida a Libya ba a biyanta, me zamu yi
sm|s|1|d|nawa masu safarar mutane suke karba daga Agadez zuwa Libya
sm|s|0|h|hanyar sahara tana da hadari? driver din ya ce kwana uku ne kawai
rc|w|1|h|agent ya ce zai bani visa aiki a Dubai amma sai na biya kudi kafin, gaskiya ne?
rc|s|0|d|ta yaya zan tabbatar agency na aiki na gaskiya ne
pw|s|1|d|ta yaya zan tafi kasashen waje ta hanyar doka
pw|w|0|h|akwai scholarship don karatu a waje?
jp|s|1|d|na yanke shawarar tafiya, me zan shirya
jp|s|0|h|ya kamata in bar kwafin fasfo na wurin iyalina?
ra|s|1|h|ina so in koma gida amma ba ni da kudi, ina Agadez
ra|w|0|d|ta yaya IOM zata taimaka min in koma Nigeria
rr|w|1|d|na dawo daga Libya, akwai taimako don fara karamin kasuwanci?
rr|s|0|h|tun da na dawo ina jin kunya, ba ni da aiki
em|w|1|d|an sace ni suna neman kudin fansa ko su kashe ni
em|s|1|h|mun bace a cikin sahara babu ruwa
em|s|1|d|'yan sanda sun kama mu suna dukan mu a kurkuku
em|s|0|h|akwai wani karamin yaro shi kadai a nan, babu iyayensa
hh|s|1|h|bana iya barci, damuwa ta yi min yawa
hh|w|0|d|ina da ciki, ina bukatar likita
hf|w|1|d|dan uwana ya tafi Libya watanni uku ba mu ji daga gare shi ba
hf|s|0|h|ta yaya zan nemi dan uwa da ya bata
hc|s|0|d|ina so in yi magana da mutum na gaske
hc|s|0|h|akwai wanda zai kira ni a waya?
ab|s|1|h|ku su wanene? wannan sabis kyauta ne?
ab|s|0|d|ina so a goge bayanai na
"""

DATA["ckb"] = """
ts|s|1|d|بازرگانیکردن بە مرۆڤەوە چییە و نیشانەکانی چین؟
ts+rc|w|1|h|کەسێک وتی کار لە ئەوروپا هەیە بەڵام پاسپۆرتەکەت لای من دەمێنێتەوە، ئەمە ئاساییە؟
th|w|1|d|خاوەنکارەکەم پاسپۆرتەکەمی لێ سەندووم و مووچەم نادات، ناتوانم بڕۆم
th|s|1|h|براکەم بە زۆر کاری پێدەکەن و نایەڵن بڕوات، چی بکەین
sm|s|1|d|قاچاخچی چەند پارە وەردەگرێت بۆ ئیتاڵیا
sm|s|0|h|ڕێگای بێلاڕووس و دارستانەکە چەند مەترسیدارە؟
rc|w|1|h|کۆمپانیایەک دەڵێت ڤیزای کار دەدەین بەڵام سەرەتا ٣٠٠٠ دۆلار بدە، ڕاستە؟
rc|s|0|d|چۆن بزانم ئەو ئاژانسە یاساییە
pw|s|1|d|چۆن بە شێوەی یاسایی بچم بۆ ئەڵمانیا
pw|w|0|h|هاوسەرەکەم لە سوید دەژی، چۆن کۆکردنەوەی خێزان بکەم
jp|s|1|d|بڕیارم داوە گەشت بکەم، چی ئامادە بکەم
jp|s|0|h|کۆپی پاسپۆرتەکەم لای خێزانەکەم دابنێم؟
ra|s|1|h|دەمەوێت بگەڕێمەوە کوردستان بەڵام پارەم نییە
ra|w|0|d|لە تورکیا ماومەتەوە، IOM دەتوانێت بمگەڕێنێتەوە؟
rr|w|1|d|لە ئەڵمانیاوە گەڕاومەتەوە، یارمەتی هەیە بۆ دەستپێکردنی کارێکی بچووک؟
rr|s|0|h|دوای گەڕانەوەم شەرم دەکەم و کارم نییە
em|w|1|d|ڕفێنراوم و داوای پارە دەکەن ئەگینا دەمکوژن
em|w|1|h|بەلەمەکە خەریکە نوقم دەبێت یارمەتیمان بدەن
em|s|1|d|پۆلیس گرتوومی و لێمان دەدەن
em|s|0|h|لە دارستانەکە ون بووین، ئاو و خواردنمان نییە
hh|s|1|h|خەوم لێ ناکەوێت، زۆر بێتاقەتم
hh|s|0|d|نەخۆشم و پێویستم بە دکتۆرە
hf|w|1|d|براکەم لە دەریا ون بووە، دوو مانگە هیچ هەواڵێکمان نییە
hf|s|0|h|چۆن بەدوای ئەندامێکی ونبووی خێزانەکەمدا بگەڕێم
hc|s|0|d|دەمەوێت لەگەڵ مرۆڤێکی ڕاستەقینە قسە بکەم
hc|s|0|h|دەتوانن کەسێک پەیوەندیم پێوە بکات؟
ab|s|1|h|ئێوە کێن؟ ئەم خزمەتگوزارییە بەخۆڕاییە؟
ab|s|0|d|دەمەوێت زانیارییەکانم بسڕمەوە
"""


def build():
    out = {"d": [], "h": []}
    for lang, block in DATA.items():
        counters = {}
        for line in block.strip().splitlines():
            parts = [p.strip() for p in line.split("|")]
            tops, ch, first, split, text = parts[:5]
            langs = parts[5].split(",") if len(parts) > 5 else [lang]
            tkeys = tops.split("+")
            short = SHORT[tkeys[0]]
            counters[short] = counters.get(short, 0) + 1
            item = {"id": f"{lang}-{short}-{counters[short]}", "text": text,
                    "ch": {"s": "sms", "w": "whatsapp"}[ch],
                    "topics": [T[k] for k in tkeys], "lang": langs,
                    "escalate": tkeys[0] == "em", "first": first == "1"}
            out[split].append(item)
    here = os.path.dirname(os.path.abspath(__file__))
    for split, name in (("d", "dev.jsonl"), ("h", "heldout.jsonl")):
        with open(os.path.join(here, name), "w", encoding="utf-8") as f:
            for it in out[split]:
                f.write(json.dumps(it, ensure_ascii=False) + "\n")
    print(len(out["d"]), len(out["h"]))

if __name__ == "__main__":
    build()
