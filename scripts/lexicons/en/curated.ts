/**
 * Hand-written additions to the English given names, by the Rounds authors (MIT, as the project).
 * Faker's English-speaking locales hold mostly American names and miss many given names common
 * among patients in the UK and Ireland: Irish, Welsh and Scottish names, and names of families
 * from the Caribbean, West Africa and South Asia. These come from general knowledge (the UK and
 * Irish statistics offices publish the same names in their yearly baby-name tables), not from
 * any benchmark corpus. Names that are also common English words, medicines' brand names
 * ("Portia") or short words of other languages are left out: the rules treat those by context.
 */

export const extraGivenNames = `
Aoife Niamh Siobhan Saoirse Sinead Orla Roisin Caoimhe Ciara Clodagh Grainne Eimear Aisling Mairead Sorcha Meabh
Bronagh Deirdre Nuala Oonagh Shauna Oisin Cian Eoin Padraig Ciaran Darragh Fionn Ruairi Seamus Cathal Donal Declan
Colm Niall Tadhg Cormac Ronan Diarmuid Fergal Caoilfhionn Ailbhe Aine Blathnaid Muireann Grainne
Cerys Rhys Bethan Seren Carys Rhiannon Sian Gwen Gwenllian Eleri Ffion Mared Dafydd Gethin Huw Iwan Ioan Emrys
Llewellyn Gareth Aled Owain Hywel Rhodri Tomos Elis Catrin Angharad Nerys Lowri Manon Heledd Elin Osian Iestyn
Morag Kirsty Isla Ailsa Eilidh Catriona Mhairi Fenella Iona Lachlan Callum Ewan Fraser Struan Hamish Angus Murdo
Ruaridh Alasdair Torquil Finlay Brodie Dougal Euan Innes Kenzie Rhona Shona Morven Iain Ruaraidh
Tilly Esme Imogen Jemima Jemma Gemma Keeva Harriet Phoebe Elspeth Marnie Maisie Evie Lottie Millie Kayleigh
Chantelle Jodie Stacey Tracey Lorraine Carly Leanne Kerry Shannon Demi Jade Bethany Hollie Ellie Amelie Freya
Delroy Winston Leroy Errol Desmond Marcia Beverley Claudette Hyacinth Junior Lloyd Clifton Marlon Dwayne Tyrone
Chidi Chidinma Chinedu Chioma Ngozi Emeka Obinna Nnamdi Ifeoma Uchenna Adaeze Adebayo Adewale Oluwaseun Olumide
Temitope Tolulope Funmilayo Folake Yetunde Bukola Abimbola Kwame Kofi Akosua Kwabena Abena Efua Nkechi Chukwuemeka
Ananya Deepak Rohit Rahul Priyanka Pooja Sneha Aarav Vihaan Ishaan Aditi Anjali Kavya Lakshmi Meena Nisha Rekha
Shreya Sunil Vijay Rajesh Suresh Ramesh Mahesh Ganesh Harpreet Gurpreet Manpreet Jaspreet Simran Navdeep
Parminder Sukhdeep Balvinder Amrit Imran Bilal Hamza Usman Ayesha Maryam Nadia Farah Samina Shazia Nasreen
Rukhsana Tahira Rahim Karim Shamima Nasrin Taslima Rubina Farhana Abdul Mohammed Muhammad Zainab Yusuf Ibrahim
`
